"""Jobs: list (newest first, filtered, paged), one, its output file, retry. The old
service's `/api/jobs/thumbnails/{id}` is the same as `/api/jobs/{id}`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm.service import Service
from vtm.service.documents import job_json
from vtm.web.endpoint import endpoint
from vtm.web.files import file_response
from vtm.web.params import int_param, path_int
from vtm.web.routes import videos


@endpoint(query=("status", "kind", "video_id", "limit", "offset"))
async def list_jobs(request: Request, service: Service) -> Response:
    jobs = await run_in_threadpool(
        lambda: service.list_jobs(
            status=request.query_params.get("status"),
            kind=request.query_params.get("kind"),
            video_id=int_param(request, "video_id"),
            limit=int_param(request, "limit", 100, low=1, high=1000),
            offset=int_param(request, "offset", 0, high=10**9) or 0,
        )
    )
    return JSONResponse([job_json(j) for j in jobs])


@endpoint()
async def get_job(request: Request, service: Service) -> Response:
    job = await run_in_threadpool(service.get_job, path_int(request, "job_id"))
    return JSONResponse(job_json(job))


@endpoint()
async def retry_job(request: Request, service: Service) -> Response:
    job = await run_in_threadpool(service.retry_job, path_int(request, "job_id"))
    return JSONResponse(job_json(job), status_code=202)


@endpoint()
async def job_output(request: Request, service: Service) -> Response:
    job = await run_in_threadpool(service.get_job, path_int(request, "job_id"))
    path = await run_in_threadpool(service.output_file, job)
    return file_response(request, path, str(job.id), service.settings)


routes = [
    Route("/api/jobs", list_jobs, methods=["GET"]),
    *videos.old_service,
    Route("/api/jobs/thumbnails/{job_id}", get_job, methods=["GET"]),
    Route("/api/jobs/{job_id}", get_job, methods=["GET"]),
    Route("/api/jobs/{job_id}/output", job_output, methods=["GET"]),
    Route("/api/jobs/{job_id}/retry", retry_job, methods=["POST"]),
]
