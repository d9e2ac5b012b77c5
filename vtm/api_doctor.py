"""HTTP routes of `vtm doctor --api URL`, appended to `vtm.api.routes`: the data
folder compared with the database while the server holds both.

    GET  /api/doctor          {"before": report, "actions": [], "after": report}
    POST /api/doctor/repair   the same after repairing (never deletes a file)
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm import runtime, service
from vtm.http import endpoint


@endpoint()
async def check(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.check_data_folder, runtime.current(), repair=False))


@endpoint()
async def repair(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(service.check_data_folder, runtime.current(), repair=True))


routes = [
    Route("/api/doctor", check, methods=["GET"]),
    Route("/api/doctor/repair", repair, methods=["POST"]),
]
