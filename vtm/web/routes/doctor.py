"""`vtm doctor --api URL`: the data folder compared with the database while the server
holds both.

    GET  /api/doctor          {"before": report, "actions": [], "after": report}
    POST /api/doctor/repair   the same after repairing (never deletes a file)
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm.service import Service
from vtm.web.endpoint import endpoint


@endpoint()
async def check(request: Request, service: Service) -> Response:
    return JSONResponse(await run_in_threadpool(lambda: service.check_data_folder(repair=False)))


@endpoint()
async def repair(request: Request, service: Service) -> Response:
    return JSONResponse(await run_in_threadpool(lambda: service.check_data_folder(repair=True)))


routes = [
    Route("/api/doctor", check, methods=["GET"]),
    Route("/api/doctor/repair", repair, methods=["POST"]),
]
