"""Outputs of every kind:

    POST /api/videos/{video_id}/outputs      {"kind": "sheet", "columns": 4, ...}  -> 202 the job
    GET  /api/jobs/{job_id}/files/{name}     one file of an output (storyboard sprites,
                                             scene keyframes, the preview GIF)

The same request twice returns the same job. File names from the client are only
compared with the output folder's listing; they never reach the filesystem as paths.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import kinds, parsing
from vtm.errors import InvalidInput
from vtm.service import Service
from vtm.service.documents import job_json
from vtm.web.endpoint import endpoint
from vtm.web.files import file_response
from vtm.web.params import json_body, path_int

MAX_BODY = 64 * 1024
EXAMPLE = '{"kind": "sheet", "columns": 4, "rows": 4}'


async def _body(request: Request) -> dict[str, Any]:
    body = await json_body(request, MAX_BODY, "send only the kind and its options")
    if not isinstance(body, dict):
        raise InvalidInput(f'The body must be a JSON object such as {EXAMPLE}, not a JSON {_json_type(body)}.',
                           code="wrong_shape")
    return body


def _options(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The kind and its options from `{"kind": ..., <options>}` or `{"kind": ..., "options": {...}}`;
    a body of another shape is refused (422), never partly read."""
    kind = body.pop("kind", None)
    if not isinstance(kind, str) or not kind:
        names = " | ".join(f'"{k.name}"' for k in kinds.OUTPUT_KINDS)
        raise InvalidInput(f'Say which output as a string: {{"kind": {names}, ...}} (got {parsing.shown(kind)}).',
                           code="wrong_shape")
    if "options" not in body:
        return kind, body
    nested = body.pop("options")
    if not isinstance(nested, dict):
        raise InvalidInput(f'"options" must be a JSON object such as {{"columns": 4}}, not a JSON {_json_type(nested)}.',
                           code="wrong_shape")
    twice = sorted(set(nested) & set(body))
    if twice:
        raise InvalidInput(f"{parsing.shown(', '.join(twice), 60)} given both at the top and under \"options\"; give each once.",
                           code="wrong_shape")
    return kind, {**nested, **body}


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


@endpoint()
async def request_output(request: Request, service: Service) -> Response:
    video_id = path_int(request, "video_id")
    kind, options = _options(await _body(request))
    job, _ = await run_in_threadpool(service.request_output, video_id, kind, options, True)
    return JSONResponse(job_json(job), status_code=202)


@endpoint()
async def job_file(request: Request, service: Service) -> Response:
    job = await run_in_threadpool(service.get_job, path_int(request, "job_id"))
    path = await run_in_threadpool(service.job_file, job, request.path_params["name"])
    return file_response(request, path, f"{job.id}:{path.name}", service.settings)


routes = [
    Route("/api/videos/{video_id}/outputs", request_output, methods=["POST"]),
    Route("/api/jobs/{job_id}/files/{name}", job_file, methods=["GET"]),
]
