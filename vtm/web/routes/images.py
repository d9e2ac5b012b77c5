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
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import urls
from vtm.errors import NotFound
from vtm.kinds.storyboard import StoryboardOptions
from vtm.models import Job, JobKind, JobStatus, Video
from vtm.service import Service
from vtm.service.documents import job_json
from vtm.web import mux
from vtm.web.endpoint import endpoint
from vtm.web.files import bytes_response, current_copy, file_response
from vtm.web.params import options, path_int

RETRY_AFTER_S = 2
EXPORT_PARAMS = ("every", "width")
# Storyboards by URL read the exact frames: a tile shows what is on screen at its start
# (Mux's storyboard JSON says so; Jellyfin and Roku's biftool take frames at k x interval).
EXACT = {"fast": False}
BIF = {"format": "bif", "every": 10, "width": 320, **EXACT}  # Roku's biftool: a frame every 10 s; HD trick play 320 wide
JELLYFIN = {"format": "jellyfin", "every": 10, "width": 320, "columns": 10, "rows": 10, "quality": 90, **EXACT}  # its defaults


Options = Callable[[Video], dict[str, Any]]


def _format(request: Request, formats: tuple[str, ...]) -> str:
    fmt = str(request.path_params["fmt"]).lower()
    if fmt not in formats:
        raise NotFound(f"No such picture: use one of {', '.join(formats)} as the extension.")
    return fmt


async def _finished(request: Request, service: Service, kind: JobKind, options_of: Options) -> tuple[Video, Job] | Response:
    """The video and the finished job for this request, or the 202 response while it is
    not done. A finished job is found in one trip to a thread, with reads alone."""
    video_id = path_int(request, "video_id")

    def find() -> tuple[Video, Job]:
        video = service.get_video(video_id)
        return video, service.request_urgent(video, kind, options_of(video))

    video, job = await run_in_threadpool(find)
    if not job.status.finished:
        job = await service.wait_for_job(job, service.settings.image_wait_s)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return JSONResponse(job_json(job), status_code=202,
                            headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"})
    return video, job


async def _serve(request: Request, service: Service, kind: JobKind, options_of: Options) -> Response:
    found = await _finished(request, service, kind, options_of)
    if isinstance(found, Response):
        return found
    path = await run_in_threadpool(service.output_file, found[1])
    return file_response(request, path, str(found[1].id), service.settings)


def poster_time(video: Video) -> str:
    """Mux's default `time`: the chosen poster's, else the middle of the video."""
    return f"{video.poster_at:.3f}".rstrip("0").rstrip(".") if video.poster_at is not None else "50%"


@endpoint(query=tuple(mux.THUMBNAIL_PARAMS), signed=True)
async def thumbnail(request: Request, service: Service) -> Response:
    fmt, query = _format(request, mux.IMAGE_FORMATS), dict(request.query_params)
    return await _serve(request, service, JobKind.THUMBNAIL,
                        lambda video: mux.thumbnail_options(query, fmt, video.width, video.height, poster_time(video)))


@endpoint(query=tuple(mux.ANIMATED_PARAMS), signed=True)
async def animated(request: Request, service: Service) -> Response:
    fmt, query = _format(request, mux.ANIMATED_FORMATS), dict(request.query_params)
    return await _serve(request, service, JobKind.PREVIEW,
                        lambda video: mux.animated_options(query, fmt, video.width, video.height, video.duration))


@endpoint(query=EXPORT_PARAMS, signed=True)
async def storyboard(request: Request, service: Service) -> Response:
    fmt = _format(request, ("vtt", "json", "bif"))
    asked = options(request, EXPORT_PARAMS)
    if fmt == "bif":
        return await _serve(request, service, JobKind.STORYBOARD, lambda video: {**BIF, **asked})

    def storyboard_options(video: Video) -> dict[str, Any]:
        return {**StoryboardOptions.suggestions(video), **EXACT, **asked}

    if fmt == "vtt":
        return await _serve(request, service, JobKind.STORYBOARD, storyboard_options)
    found = await _finished(request, service, JobKind.STORYBOARD, storyboard_options)
    if isinstance(found, Response):
        return found
    video, job = found
    version = f"storyboard-json:{job.id}:{job.finished_at}"
    if current := current_copy(request, version, service.settings):
        return current
    cues = await run_in_threadpool(service.storyboard_cues, job)
    body = mux.storyboard_json(cues, video.duration, lambda name: urls.job_file(job.id, name))
    return bytes_response(request, json.dumps(body).encode(), version, "application/json", service.settings)


@endpoint(query=EXPORT_PARAMS, signed=True)
async def trickplay(request: Request, service: Service) -> Response:
    asked = options(request, EXPORT_PARAMS)
    return await _serve(request, service, JobKind.STORYBOARD, lambda video: {**JELLYFIN, **asked})


routes = [
    Route("/api/videos/{video_id}/thumbnail.{fmt}", thumbnail, methods=["GET"]),
    Route("/api/videos/{video_id}/animated.{fmt}", animated, methods=["GET"]),
    Route("/api/videos/{video_id}/storyboard.{fmt}", storyboard, methods=["GET"]),
    Route("/api/videos/{video_id}/trickplay.zip", trickplay, methods=["GET"]),
]
