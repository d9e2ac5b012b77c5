"""HTTP routes for outputs of every kind (issue 5), appended to `vtm.api.routes`:

    POST /api/videos/{video_id}/outputs      {"kind": "sheet", "columns": 4, ...}  -> 202 the job
    GET  /api/jobs/{job_id}/files/{name}     one file of an output (storyboard sprites,
                                             scene keyframes, the preview GIF)

The same request twice returns the same job. File names from the client are only
compared with the output folder's listing; they never reach the filesystem as paths.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from vtm import runtime, service
from vtm.errors import BadRequest, TooLarge
from vtm.http import endpoint, path_int
from vtm.models import Job, JobStatus

MAX_BODY = 64 * 1024
MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif",
               ".vtt": "text/vtt", ".json": "application/json", ".csv": "text/csv"}


def job_json(job: Job) -> dict[str, Any]:
    data = job.to_dict()
    if job.status is JobStatus.COMPLETED:
        data["output_url"] = f"/api/jobs/{job.id}/output"
    return data


async def _body(request: Request) -> dict[str, Any]:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise TooLarge(f"The request body is over {MAX_BODY // 1024} KB; send only the kind and its options.")
    try:
        body = json.loads(raw or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest('The body is not JSON; send for example {"kind": "sheet", "columns": 4, "rows": 4}.') from None
    if not isinstance(body, dict):
        raise BadRequest('The body must be a JSON object such as {"kind": "storyboard", "every": 10}.')
    return body


@endpoint()
async def request_output(request: Request) -> Response:
    body = await _body(request)
    kind = body.pop("kind", None)
    if not kind:
        raise BadRequest('Say which output: {"kind": "thumbnail" | "sheet" | "storyboard" | "preview" | "scenes", ...}.')
    nested = body.pop("options", None)
    if isinstance(nested, dict):
        body = {**nested, **body}
    rt = runtime.current()
    job, _ = await run_in_threadpool(service.request_output, rt, path_int(request, "video_id"), str(kind), body)
    return JSONResponse(job_json(job), status_code=202)


@endpoint()
async def job_file(request: Request) -> Response:
    rt = runtime.current()
    job = await run_in_threadpool(service.get_job, rt, path_int(request, "job_id"))
    path = await run_in_threadpool(service.job_file, rt, job, request.path_params["name"])
    stat = path.stat()
    etag = '"' + hashlib.sha1(f"{job.id}:{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"), headers=headers)


routes = [
    Route("/api/videos/{video_id}/outputs", request_output, methods=["POST"]),
    Route("/api/jobs/{job_id}/files/{name}", job_file, methods=["GET"]),
]
