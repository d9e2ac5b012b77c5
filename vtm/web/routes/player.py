"""What a player and a download button need:

    GET /api/videos/{video_id}/source   the video's own file, with byte ranges (seekable)
    GET /api/jobs/{job_id}/zip          every file of an output in one zip (a storyboard's
                                        WebVTT names its sprites relatively)

When reads need the token (`VTM_API_TOKEN_READS=1`), the dashboard's page ticket in
`?ticket=` stands in for it on the source: a `<video>` element cannot send headers.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vtm.service import Service
from vtm.web.endpoint import endpoint
from vtm.web.params import path_int
from vtm.web.ranges import ranged_file_response


def attachment(name: str) -> str:
    """`Content-Disposition` for a download named `name` (RFC 6266: ASCII fallback and UTF-8)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@endpoint(query=("ticket",), ticket=True)
async def video_source(request: Request, service: Service) -> Response:
    video = await run_in_threadpool(service.get_video, path_int(request, "video_id"))
    path = await run_in_threadpool(service.source_file, video)
    return ranged_file_response(request, path, f"source:{video.id}", service.settings)


@endpoint()
async def job_zip(request: Request, service: Service) -> Response:
    job = await run_in_threadpool(service.get_job, path_int(request, "job_id"))
    data = await run_in_threadpool(service.output_zip, job)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": attachment(service.zip_name(job))})


routes = [
    Route("/api/videos/{video_id}/source", video_source, methods=["GET"]),
    Route("/api/jobs/{job_id}/zip", job_zip, methods=["GET"]),
]
