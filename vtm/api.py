"""The HTTP API under /api: the old service's endpoints plus outputs and live events.
Routes map requests to `vtm.service` and its errors to JSON; no rules live here."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from vtm import __version__, parsing, runtime, service, sse
from vtm.api_fallback import fallback_routes
from vtm.errors import InvalidInput, TooLarge
from vtm.events import EVENT_ID
from vtm.http import endpoint, int_param, options, path_int
from vtm.http_files import file_response
from vtm.models import Job, JobKind
from vtm.openapi import document
from vtm.upload import receive_multipart

THUMB_OPTIONS = ("at", "fit", "format", "quality", "pad", "fast")
MULTIPART_SLACK = 64 * 1024  # room for the multipart framing around the file


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


@endpoint()
async def health(request: Request) -> Response:
    rt = runtime.current()
    counts = await run_in_threadpool(service.job_counts, rt)
    return _json({"status": "ok", "version": __version__, "workers": rt.settings.worker_count,
                  "jobs": {str(k): v for k, v in counts.items()}})


@endpoint()
async def openapi(request: Request) -> Response:
    return _json(document())


# -- videos -------------------------------------------------------------------------
@endpoint(ticket=True)
async def upload_video(request: Request) -> Response:
    rt = runtime.current()
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (
            len(declared) > parsing.MAX_DIGITS or int(declared) > rt.settings.max_upload_bytes + MULTIPART_SLACK):
        raise TooLarge(f"The upload ({declared if len(declared) <= 12 else 'over 10**12 bytes'} bytes) is larger than the "
                       f"limit of {rt.settings.max_upload_mb} MB (VTM_MAX_UPLOAD_MB).")
    if declared.isascii() and declared.isdigit():
        service.check_room(rt, int(declared))  # 507 before the body is read when it cannot fit

    async def check_name(filename: str | None) -> None:
        await run_in_threadpool(service.check_name_free, rt, service.require_file_field(filename))

    filename, received = await receive_multipart(
        request.headers.get("content-type", ""), request.stream(), rt.data.tmp, rt.settings.max_upload_bytes, check_name
    )
    video = await run_in_threadpool(service.add_video, rt, received, filename or "")
    return _json(video.to_dict(), 201)


@endpoint(query=("q", "sort"))
async def list_videos(request: Request) -> Response:
    rt = runtime.current()
    sort = request.query_params.get("sort") or "newest"
    search = parsing.text("q", request.query_params.get("q", ""))
    videos = await run_in_threadpool(service.list_videos, rt, search, parsing.text("sort", sort))
    return _json([v.to_dict() for v in videos])


@endpoint()
async def get_video(request: Request) -> Response:
    video = await run_in_threadpool(service.get_video, runtime.current(), path_int(request, "video_id"))
    return _json(video.to_dict())


@endpoint()
async def delete_video(request: Request) -> Response:
    await run_in_threadpool(service.delete_video, runtime.current(), path_int(request, "video_id"))
    return Response(status_code=204)


# -- jobs ---------------------------------------------------------------------------
@endpoint(query=("status", "kind", "video_id", "limit", "offset"))
async def list_jobs(request: Request) -> Response:
    rt = runtime.current()
    jobs = await run_in_threadpool(
        lambda: service.list_jobs(
            rt,
            status=request.query_params.get("status"),
            kind=request.query_params.get("kind"),
            video_id=int_param(request, "video_id"),
            limit=int_param(request, "limit", 100, low=1, high=1000),
            offset=int_param(request, "offset", 0, high=10**9) or 0,
        )
    )
    return _json([_job_json(j) for j in jobs])


@endpoint()
async def get_job(request: Request) -> Response:
    job = await run_in_threadpool(service.get_job, runtime.current(), path_int(request, "job_id"))
    return _json(_job_json(job))


@endpoint()
async def video_job(request: Request) -> Response:
    """The old service's `/jobs/videos/{id}`: the upload's own status."""
    video = await run_in_threadpool(service.get_video, runtime.current(), path_int(request, "video_id"))
    return _json(video.to_dict())


@endpoint()
async def retry_job(request: Request) -> Response:
    job = await run_in_threadpool(service.retry_job, runtime.current(), path_int(request, "job_id"))
    return _json(_job_json(job), 202)


@endpoint()
async def job_output(request: Request) -> Response:
    rt = runtime.current()
    job = await run_in_threadpool(service.get_job, rt, path_int(request, "job_id"))
    return _file(request, job, await run_in_threadpool(service.output_file, rt, job))


# -- thumbnails ---------------------------------------------------------------------
@endpoint(query=THUMB_OPTIONS)
async def request_thumbnail(request: Request) -> Response:
    rt = runtime.current()
    job, _ = await run_in_threadpool(
        service.request_output, rt, path_int(request, "video_id"), JobKind.THUMBNAIL,
        {"width": request.path_params["width"], "height": request.path_params["height"], **options(request, THUMB_OPTIONS)},
    )
    return _json(_job_json(job), 202)


@endpoint(query=("w", "h", *THUMB_OPTIONS))
async def thumbnail_image(request: Request) -> Response:
    rt = runtime.current()
    opts = {"width": request.query_params.get("w"), "height": request.query_params.get("h"), **options(request, THUMB_OPTIONS)}
    job = await run_in_threadpool(service.find_output, rt, path_int(request, "video_id"), JobKind.THUMBNAIL, opts)
    return _file(request, job, await run_in_threadpool(service.output_file, rt, job))


# -- events -------------------------------------------------------------------------
@endpoint(query=("since",))
async def events(request: Request) -> Response:
    bus = runtime.current().events
    sse.watch_shutdown(bus)
    # `since` is for clients that cannot set headers (a browser's first EventSource connection).
    last = request.headers.get("last-event-id") or request.query_params.get("since")
    if last is not None and not EVENT_ID.fullmatch(last.strip()):
        raise InvalidInput(f"{parsing.shown(last)} is not an event id (`<boot>.<number>`, as the stream sent it).")
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if request.method == "HEAD":  # the headers a GET would get; a stream has no end to send
        return Response(media_type="text/event-stream", headers=headers)
    return StreamingResponse(sse.stream(bus, last), media_type="text/event-stream", headers=headers)


# -- helpers ------------------------------------------------------------------------
def _job_json(job: Job) -> dict[str, Any]:
    data = job.to_dict()
    if job.status.value == "COMPLETED":
        data["output_url"] = f"/api/jobs/{job.id}/output"
    return data


def _file(request: Request, job: Job, path: Any) -> Response:
    return file_response(request, path, str(job.id))


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/openapi.json", openapi, methods=["GET"]),
    Route("/api/videos", upload_video, methods=["POST"]),
    Route("/api/videos", list_videos, methods=["GET"]),
    Route("/api/videos/{video_id}", get_video, methods=["GET"]),
    Route("/api/videos/{video_id}", delete_video, methods=["DELETE"]),
    Route("/api/jobs", list_jobs, methods=["GET"]),
    Route("/api/jobs/videos/{video_id}", video_job, methods=["GET"]),
    Route("/api/jobs/thumbnails/{job_id}", get_job, methods=["GET"]),
    Route("/api/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/api/jobs/{job_id}/output", job_output, methods=["GET"]),
    Route("/api/jobs/{job_id}/retry", retry_job, methods=["POST"]),
    Route("/api/thumbnails/{video_id}/{width}/{height}", request_thumbnail, methods=["POST"]),
    Route("/api/t/{video_id}", thumbnail_image, methods=["GET"]),
    Route("/api/events", events, methods=["GET"]),
]

from vtm import api_doctor, api_outputs  # noqa: E402  (outputs of every kind, issue 5; vtm doctor --api)

routes += api_outputs.routes + api_doctor.routes
routes += fallback_routes(routes)  # last: every other /api request answers JSON 404/405
