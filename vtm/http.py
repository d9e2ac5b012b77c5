"""HTTP plumbing for the API: typed errors to JSON responses (the one place that maps
them), the token check, and strict query parsing (unknown options are refused)."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from vtm import disk, parsing, runtime, tickets
from vtm.errors import Forbidden, InvalidInput, NotFound, Unauthorized, VtmError

log = logging.getLogger(__name__)
Endpoint = Callable[[Request], Awaitable[Response]]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_ID = 2**62


def error_response(exc: VtmError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
    return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)


def internal_error() -> JSONResponse:
    return JSONResponse(
        {"error": {"code": "internal", "message": "Something went wrong on the server; the log has the details."}},
        status_code=500,
    )


def endpoint(*, query: Iterable[str] = (), ticket: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Wrap a route: check the token, refuse unknown query options, and turn
    `vtm.errors` into JSON errors (anything else into a logged 500). With `ticket`,
    a valid upload ticket (`vtm.tickets`) stands in for the token."""
    allowed = set(query)

    def wrap(handler: Endpoint) -> Endpoint:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            try:
                check_origin(request)
                check_token(request, ticket=ticket)
                unknown = sorted(set(request.query_params) - allowed)
                if unknown:
                    known = ", ".join(sorted(allowed)) or "none"
                    names = parsing.shown(", ".join(unknown), 80).strip("'")
                    raise InvalidInput(f"Unknown query option(s): {names}. Known: {known}.", code="unknown_option")
                return await handler(request)
            except VtmError as exc:
                return error_response(exc)
            except ClientDisconnect:
                # The client went away mid-request: nobody is left to answer.
                log.info("%s %s: the client disconnected", request.method, request.url.path)
                return Response(status_code=499)
            except Exception as exc:
                if disk.is_full(exc):  # "no space left" from anywhere: 507 disk_full, not a 500
                    return error_response(disk.full_error(runtime.current().data.root))
                log.exception("%s %s failed", request.method, request.url.path)
                return internal_error()

        return run

    return wrap


def check_origin(request: Request) -> None:
    """Refuse a write that a page of another web site makes the browser send (CSRF):
    such a form POST needs no CORS, and without a token nothing else would stop it.
    Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); curl and
    scripts send neither and pass."""
    if request.method not in WRITE_METHODS:
        return
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        allowed = site in ("same-origin", "none")
    else:
        origin = request.headers.get("origin")
        hosts = {request.headers.get("host"), request.headers.get("x-forwarded-host")} - {None}
        allowed = origin is None or urlsplit(origin).netloc in hosts
    if not allowed:
        raise Forbidden("Writes are accepted from this server's own pages and from scripts, not from other web sites.")


def check_token(request: Request, *, ticket: bool = False) -> None:
    settings = runtime.current().settings
    token = settings.api_token
    if not token:
        return
    if request.method not in WRITE_METHODS and not settings.api_token_reads:
        return
    if ticket and tickets.valid(token, request.headers.get(tickets.HEADER, "")):
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise Unauthorized("This needs `Authorization: Bearer <token>` (the server's VTM_API_TOKEN).")


def int_param(request: Request, name: str, default: int | None = None, *, low: int = 0, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    return parsing.whole(name, raw, low, MAX_ID if high is None else high)


def path_int(request: Request, name: str) -> int:
    """An id from the path; one no row can have (over 18 digits) is not found."""
    raw = str(request.path_params[name])
    if raw.isascii() and raw.isdigit() and len(raw) > parsing.MAX_DIGITS:
        raise NotFound(f"There is no {name.removesuffix('_id')} {parsing.shown(raw, 24)}.")
    return parsing.whole(name, raw, 0, MAX_ID)


def options(request: Request, names: Iterable[str]) -> dict[str, Any]:
    return {name: request.query_params[name] for name in names if name in request.query_params}
