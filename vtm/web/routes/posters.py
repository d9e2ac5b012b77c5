"""A video's poster:

    PUT /api/videos/{id}/poster        {"at": "12.5" | "40%" | "auto" | "cover"} -> the video
    GET /api/videos/{id}/poster.{jpg,webp}?width=

The video's JSON says what was chosen (`poster_pick`), the time it resolved to
(`poster_at`) and the poster's `thumbhash`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import mediatypes
from vtm.errors import InvalidInput
from vtm.service import Service
from vtm.service.documents import video_json
from vtm.web.endpoint import endpoint
from vtm.web.files import bytes_response, current_copy
from vtm.web.params import int_param, json_body, path_int

MAX_BODY = 4 * 1024
MAX_WIDTH = 7680


@endpoint()
async def set_poster(request: Request, service: Service) -> Response:
    body = await json_body(request, MAX_BODY, 'send {"at": "12.5"}')
    if not isinstance(body, dict) or set(body) - {"at"} or not isinstance(body.get("at"), str | int | float):
        raise InvalidInput('Send {"at": "12.5"} (seconds), "40%", "auto" or "cover".', code="wrong_shape")
    video = await run_in_threadpool(service.set_poster, path_int(request, "video_id"), str(body["at"]))
    return JSONResponse(video_json(video))


@endpoint(query=("width",), signed=True)
async def poster(request: Request, service: Service) -> Response:
    fmt = str(request.path_params["fmt"]).lower()
    width = int_param(request, "width", low=1, high=MAX_WIDTH)
    make, version = await run_in_threadpool(service.poster_image, path_int(request, "video_id"), fmt, width)
    return current_copy(request, version, service.settings) or \
        bytes_response(request, await run_in_threadpool(make), version, mediatypes.of(f"poster.{fmt}"), service.settings)


routes = [
    Route("/api/videos/{video_id}/poster", set_poster, methods=["PUT"]),
    Route("/api/videos/{video_id}/poster.{fmt}", poster, methods=["GET"]),
]
