"""Videos: upload (streamed to disk), list, one, delete; and the old service's
`/api/jobs/videos/{id}` (an upload's own status)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import parsing
from vtm.errors import BadRequest, TooLarge
from vtm.service import Service
from vtm.service.browsing import MAX_API_LIMIT
from vtm.service.documents import video_json
from vtm.web.endpoint import endpoint
from vtm.web.params import int_param, path_int
from vtm.web.upload import receive_multipart

MULTIPART_SLACK = 64 * 1024  # room for the multipart framing around the file


def require_file_field(filename: str | None) -> str:
    if not filename or not filename.strip():
        raise BadRequest("The upload has no file name; send the file in the `video` field with its name.", code="empty_filename")
    return filename


@endpoint(ticket=True)
async def upload_video(request: Request, service: Service) -> Response:
    settings = service.settings
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (
            len(declared) > parsing.MAX_DIGITS or int(declared) > settings.max_upload_bytes + MULTIPART_SLACK):
        raise TooLarge(f"The upload ({declared if len(declared) <= 12 else 'over 10**12 bytes'} bytes) is larger than the "
                       f"limit of {settings.max_upload_mb} MB (VTM_MAX_UPLOAD_MB).")
    if declared.isascii() and declared.isdigit():
        service.check_room(int(declared))  # 507 before the body is read when it cannot fit

    async def check_name(filename: str | None) -> None:
        await run_in_threadpool(service.check_name_free, require_file_field(filename))

    filename, received = await receive_multipart(request.headers.get("content-type", ""), request.stream(),
                                                 service.open_upload, settings.max_upload_bytes, check_name)
    video = await run_in_threadpool(service.add_upload, received, filename or "")
    return JSONResponse(video_json(video), status_code=201)


@endpoint(query=("q", "sort", "limit", "offset"))
async def list_videos(request: Request, service: Service) -> Response:
    """Every video, or with `limit` (1–1000) a page of them from `offset`, counted in
    `X-Total-Count` (paged in DuckDB: a library of 100,000 is not read whole)."""
    sort = parsing.text("sort", request.query_params.get("sort") or "newest")
    search = parsing.text("q", request.query_params.get("q", ""))
    limit = int_param(request, "limit", None, low=1, high=MAX_API_LIMIT)
    if limit is None:
        videos = await run_in_threadpool(service.list_videos, search, sort)
        return JSONResponse([video_json(v) for v in videos])
    offset = int_param(request, "offset", 0, high=10**9) or 0
    page = await run_in_threadpool(lambda: service.video_slice(search=search, sort=sort, limit=limit, offset=offset))
    return JSONResponse([video_json(v) for v in page.videos], headers={"X-Total-Count": str(page.total)})


@endpoint()
async def get_video(request: Request, service: Service) -> Response:
    video = await run_in_threadpool(service.get_video, path_int(request, "video_id"))
    return JSONResponse(video_json(video))


@endpoint()
async def delete_video(request: Request, service: Service) -> Response:
    await run_in_threadpool(service.delete_video, path_int(request, "video_id"))
    return Response(status_code=204)


routes = [
    Route("/api/videos", upload_video, methods=["POST"]),
    Route("/api/videos", list_videos, methods=["GET"]),
    Route("/api/videos/{video_id}", get_video, methods=["GET"]),
    Route("/api/videos/{video_id}", delete_video, methods=["DELETE"]),
]
old_service = [Route("/api/jobs/videos/{video_id}", get_video, methods=["GET"])]  # the upload's own status
