"""The HTTP side of VTM: the JSON API under /api, served by `st.App` on the dashboard's
port. Routes call the running `Service` and nothing else.

    routes/      one module per concept (videos, jobs, thumbnails, outputs, events, meta, doctor)
    endpoint.py  the wrapper every route has: token, unknown options, errors as JSON
    errors.py    typed errors to HTTP statuses, by class     guard.py   CSRF and the token
    params.py    path and query values, bounded             json.py    the video and job JSON
    files.py     serving files: ETag, 304, Cache-Control    upload.py  streamed multipart uploads
    sse.py       server-sent events                         openapi.py the document, kinds' schemas
    fallback.py  JSON 404/405 for every other /api path     lifespan.py start and stop
    tcp.py       TCP_NODELAY on the listeners               mux.py     Mux-style image URLs (issue 15)
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from vtm.web.fallback import fallback_routes
from vtm.web.routes import ROUTES


def routes() -> list[BaseRoute]:
    """Every /api route, then the JSON fallback for any other /api request."""
    return [*ROUTES, *fallback_routes(ROUTES)]
