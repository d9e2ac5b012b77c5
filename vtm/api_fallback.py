"""What `/api` answers when no route takes a request: everything under `/api` is JSON.

`st.App` checks our routes before Streamlit's own, whose last resort is the dashboard's
page shell (HTML, 200) for any path. Two routes mounted after the real ones catch every
method on `/api` and `/api/...`:

- a path some route serves, with another method → 405 `method_not_allowed`, with `Allow`;
- any other path → 404 `not_found`, pointing at the OpenAPI document.

They take the request before Starlette's own 405 (plain text), so they also decide it.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send


class Unmatched:
    """An ASGI app for /api requests no route matched (a Route with an ASGI app and no
    `methods` matches every method, including ones Starlette has no name for)."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = list(routes)

    def allowed(self, path: str) -> set[str]:
        methods: set[str] = set()
        for route in self.routes:
            if isinstance(route, Route) and route.methods and route.path_regex.fullmatch(path):
                methods |= route.methods
        return methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        path = request.url.path
        allowed = self.allowed(path)
        if allowed:
            message = f"{request.method} is not allowed on {path}; use {', '.join(sorted(allowed))}."
            response = JSONResponse({"error": {"code": "method_not_allowed", "message": message}}, status_code=405,
                                    headers={"Allow": ", ".join(sorted(allowed))})
        else:
            shown = path if len(path) <= 80 else path[:79] + "…"
            message = f"There is no API endpoint at {shown}; GET /api/openapi.json lists them all."
            response = JSONResponse({"error": {"code": "not_found", "message": message}}, status_code=404)
        await response(scope, receive, send)


def fallback_routes(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """The routes to mount after `routes` (all of /api)."""
    app = Unmatched(routes)
    return [Route("/api", app), Route("/api/{rest:path}", app)]
