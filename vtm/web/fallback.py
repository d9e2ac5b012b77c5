"""What `/api` answers when no route takes a request: everything under `/api` is JSON.

`st.App` checks our routes before Streamlit's own, whose last resort is the dashboard's
page shell (HTML, 200) for any path. Two routes mounted after the real ones catch every
method on `/api` and `/api/...`:

- a path some route serves, with another method → 405 `method_not_allowed`, with `Allow`;
- any other path → 404 `not_found`, pointing at the OpenAPI document.

They take the request before Starlette's own 405 (plain text), so they also decide it.
Layers below our routes can still answer first (Streamlit's path check refuses `..` with
a plain-text 400): `JsonErrors`, a middleware, re-sends such an error under /api as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
KEPT_HEADERS = {b"allow", b"www-authenticate", b"retry-after"}


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


class JsonErrors:
    """Middleware: an error answered under /api in anything but JSON is sent again as
    `{"error": {"code", "message"}}` with the same status (and its Allow / WWW-Authenticate)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != "/api" and not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_json_errors(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if message["status"] >= 400 and not headers.get(b"content-type", b"").startswith(b"application/json"):
                    replaced = True
                    await _send_error(send, scope, message["status"], [(k, v) for k, v in headers.items() if k in KEPT_HEADERS])
                    return
            elif replaced:
                return  # the original text body
            await send(message)

        await self.app(scope, receive, send_json_errors)


async def _send_error(send: Send, scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    message = f"The server refused this request ({status} {phrase})."
    body = json.dumps({"error": {"code": CODES.get(status, "error"), "message": message}}).encode()
    headers = [*headers, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})
