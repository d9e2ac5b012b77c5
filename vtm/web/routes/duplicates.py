"""Near-duplicates (issue 16):

    GET /api/duplicates[?min_similarity=0.5&video_id=3]   pairs of videos sharing footage
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm.service import Service
from vtm.web.endpoint import endpoint
from vtm.web.params import int_param


@endpoint(query=("min_similarity", "video_id"))
async def list_duplicates(request: Request, service: Service) -> Response:
    low = request.query_params.get("min_similarity", "0")
    video_id = int_param(request, "video_id")
    pairs = await run_in_threadpool(service.duplicates, low, video_id)
    return JSONResponse(pairs)


routes = [Route("/api/duplicates", list_duplicates, methods=["GET"])]
