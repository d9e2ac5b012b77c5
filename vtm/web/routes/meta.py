"""`GET /api/health` (liveness, job counts, the executor and its cluster) and `GET /api/openapi.json`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import __version__
from vtm.service import Service
from vtm.web.endpoint import endpoint
from vtm.web.openapi import document


@endpoint()
async def health(request: Request, service: Service) -> Response:
    counts = await run_in_threadpool(service.job_counts)
    body = {"status": "ok", "version": __version__, "workers": service.settings.worker_count,
            "jobs": {str(k): v for k, v in counts.items()}, "executor": service.executor_name()}
    cluster = service.cluster_status()
    if cluster is not None:
        body["cluster"] = cluster
    return JSONResponse(body)


@endpoint()
async def openapi(request: Request, service: Service) -> Response:
    return JSONResponse(document())


routes = [
    Route("/api/health", health, methods=["GET"]),
    Route("/api/openapi.json", openapi, methods=["GET"]),
]
