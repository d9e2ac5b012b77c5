"""`GET /api/events`: job changes as server-sent events (vtm.web.sse)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.events import EVENT_ID
from vtm.service import Service
from vtm.web import sse
from vtm.web.endpoint import endpoint


@endpoint(query=("since",))
async def events(request: Request, service: Service) -> Response:
    bus = service.events
    sse.watch_shutdown(bus)
    # `since` is for clients that cannot set headers (a browser's first EventSource connection).
    last = request.headers.get("last-event-id") or request.query_params.get("since")
    if last is not None and not EVENT_ID.fullmatch(last.strip()):
        raise InvalidInput(f"{parsing.shown(last)} is not an event id (`<boot>.<number>`, as the stream sent it).")
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if request.method == "HEAD":  # the headers a GET would get; a stream has no end to send
        return Response(media_type="text/event-stream", headers=headers)
    return StreamingResponse(sse.stream(bus, last), media_type="text/event-stream", headers=headers)


routes = [Route("/api/events", events, methods=["GET"])]
