"""The old service's thumbnail API: `POST /api/thumbnails/{video_id}/{width}/{height}`
asks for one (the same request returns the same job), `GET /api/t/{video_id}?w=&h=`
serves it. Options beyond the size come as query options, checked by the thumbnail
kind like every other request."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind
from vtm.service import Service
from vtm.service.documents import job_json
from vtm.web.endpoint import endpoint
from vtm.web.files import file_response
from vtm.web.params import options, path_int

THUMB_OPTIONS = tuple(name for name in ThumbnailOptions.names() if name not in ("width", "height"))


@endpoint(query=THUMB_OPTIONS)
async def request_thumbnail(request: Request, service: Service) -> Response:
    size = {"width": request.path_params["width"], "height": request.path_params["height"]}
    job, _ = await run_in_threadpool(service.request_output, path_int(request, "video_id"), JobKind.THUMBNAIL,
                                     {**size, **options(request, THUMB_OPTIONS)})
    return JSONResponse(job_json(job), status_code=202)


@endpoint(query=("w", "h", *THUMB_OPTIONS))
async def thumbnail_image(request: Request, service: Service) -> Response:
    opts = {"width": request.query_params.get("w"), "height": request.query_params.get("h"), **options(request, THUMB_OPTIONS)}
    job = await run_in_threadpool(service.find_output, path_int(request, "video_id"), JobKind.THUMBNAIL, opts)
    path = await run_in_threadpool(service.output_file, job)
    return file_response(request, path, str(job.id), service.settings)


routes = [
    Route("/api/thumbnails/{video_id}/{width}/{height}", request_thumbnail, methods=["POST"]),
    Route("/api/t/{video_id}", thumbnail_image, methods=["GET"]),
]
