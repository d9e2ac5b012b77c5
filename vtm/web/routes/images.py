"""Pictures as URLs, compatible with Mux's image API (vtm.web.mux maps its parameters to
VTM's options, so each URL is the same job and file as the POST API's request), and
storyboards for media servers:

    GET /api/videos/{id}/thumbnail.{jpg,png,webp}?time=&width=&height=&fit_mode=&rotate=&flip_h=&flip_v=
    GET /api/videos/{id}/animated.{gif,webp}?start=&end=&width=&height=&fps=
    GET /api/videos/{id}/storyboard.{vtt,json,bif}      GET /api/videos/{id}/trickplay.zip

The first request asks for the job at high priority and waits for it (VTM_IMAGE_WAIT_S),
then answers the file, or 202 with `Retry-After` and the job while it is not done. Files
carry an ETag (304 for a current copy). With VTM_URL_SIGNING_KEY set, these URLs need a
signature (`vtm sign URL`) unless the API token is sent."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import urls
from vtm.errors import NotFound
from vtm.kinds.storyboard import StoryboardOptions
from vtm.models import JobKind, JobStatus, Video
from vtm.service import Service
from vtm.web import mux
from vtm.web.endpoint import endpoint
from vtm.web.files import bytes_response, file_response
from vtm.web.json import job_json
from vtm.web.params import options, path_int

RETRY_AFTER_S = 2
EXPORT_PARAMS = ("every", "width")
# Storyboards by URL read the exact frames: a tile shows what is on screen at its start
# (Mux's storyboard JSON says so; Jellyfin and Roku's biftool take frames at k x interval).
EXACT = {"fast": False}
BIF = {"format": "bif", "every": 10, "width": 320, **EXACT}  # Roku's biftool: a frame every 10 s; HD trick play 320 wide
JELLYFIN = {"format": "jellyfin", "every": 10, "width": 320, "columns": 10, "rows": 10, "quality": 90, **EXACT}  # its defaults


async def _video(request: Request, service: Service) -> Video:
    return await run_in_threadpool(service.get_video, path_int(request, "video_id"))


def _format(request: Request, formats: tuple[str, ...]) -> str:
    fmt = str(request.path_params["fmt"]).lower()
    if fmt not in formats:
        raise NotFound(f"No such picture: use one of {', '.join(formats)} as the extension.")
    return fmt


async def _finished(request: Request, service: Service, video: Video, kind: JobKind,
                    opts: dict[str, Any]) -> Response | Any:
    """The finished job for this request, or the 202 response while it is not done."""
    job = await run_in_threadpool(service.request_urgent, video.id, kind, opts)
    if not job.status.finished:
        job = await service.wait_for_job(job, service.settings.image_wait_s)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return JSONResponse(job_json(job), status_code=202,
                            headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"})
    return job


async def _serve(request: Request, service: Service, video: Video, kind: JobKind, opts: dict[str, Any]) -> Response:
    job = await _finished(request, service, video, kind, opts)
    if isinstance(job, Response):
        return job
    path = await run_in_threadpool(service.output_file, job)
    return file_response(request, path, str(job.id), service.settings)


def poster_time(video: Video) -> str:
    """Mux's default `time`: the chosen poster's, else the middle of the video."""
    return f"{video.poster_at:.3f}".rstrip("0").rstrip(".") if video.poster_at is not None else "50%"


@endpoint(query=tuple(mux.THUMBNAIL_PARAMS), signed=True)
async def thumbnail(request: Request, service: Service) -> Response:
    video = await _video(request, service)
    opts = mux.thumbnail_options(dict(request.query_params), _format(request, mux.IMAGE_FORMATS), video.width,
                                 video.height, poster_time(video))
    return await _serve(request, service, video, JobKind.THUMBNAIL, opts)


@endpoint(query=tuple(mux.ANIMATED_PARAMS), signed=True)
async def animated(request: Request, service: Service) -> Response:
    video = await _video(request, service)
    opts = mux.animated_options(dict(request.query_params), _format(request, mux.ANIMATED_FORMATS), video.width,
                                video.height, video.duration)
    return await _serve(request, service, video, JobKind.PREVIEW, opts)


@endpoint(query=EXPORT_PARAMS, signed=True)
async def storyboard(request: Request, service: Service) -> Response:
    fmt = _format(request, ("vtt", "json", "bif"))
    video = await _video(request, service)
    if fmt == "bif":
        return await _serve(request, service, video, JobKind.STORYBOARD, {**BIF, **options(request, EXPORT_PARAMS)})
    opts = {**StoryboardOptions.suggestions(video), **EXACT, **options(request, EXPORT_PARAMS)}
    if fmt == "vtt":
        return await _serve(request, service, video, JobKind.STORYBOARD, opts)
    job = await _finished(request, service, video, JobKind.STORYBOARD, opts)
    if isinstance(job, Response):
        return job
    cues = await run_in_threadpool(service.storyboard_cues, job)
    body = mux.storyboard_json(cues, video.duration, lambda name: urls.job_file(job.id, name))
    return bytes_response(request, json.dumps(body).encode(), f"storyboard-json:{job.id}:{job.finished_at}",
                          "application/json", service.settings)


@endpoint(query=EXPORT_PARAMS, signed=True)
async def trickplay(request: Request, service: Service) -> Response:
    video = await _video(request, service)
    return await _serve(request, service, video, JobKind.STORYBOARD, {**JELLYFIN, **options(request, EXPORT_PARAMS)})


routes = [
    Route("/api/videos/{video_id}/thumbnail.{fmt}", thumbnail, methods=["GET"]),
    Route("/api/videos/{video_id}/animated.{fmt}", animated, methods=["GET"]),
    Route("/api/videos/{video_id}/storyboard.{fmt}", storyboard, methods=["GET"]),
    Route("/api/videos/{video_id}/trickplay.zip", trickplay, methods=["GET"]),
]
