"""Every route of /api is an `@endpoint`: it gets the running Service, checks who may
call (vtm.web.guard), refuses query options it does not know, and turns errors into
JSON (vtm.web.errors): a `vtm.errors` error as its status, anything else as a logged
500 — never a traceback to the client."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from vtm import parsing
from vtm.errors import InvalidInput, VtmError
from vtm.service import Service, current
from vtm.signing import EXPIRES, SIGNATURE
from vtm.web.errors import error_response, internal_error
from vtm.web.guard import check_origin, check_signed, check_token

log = logging.getLogger(__name__)
Handler = Callable[[Request, Service], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(*, query: Iterable[str] = (), ticket: bool = False, signed: bool = False) -> Callable[[Handler], Endpoint]:
    """Wrap a route handler `(request, service)`. `query` lists the query options it
    takes; with `ticket`, a valid upload ticket stands in for the token; `signed` (an
    image URL) needs a signature instead when VTM_URL_SIGNING_KEY is set."""
    allowed = set(query) | ({SIGNATURE, EXPIRES} if signed else set())

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            service = current()
            try:
                check_origin(request)
                if signed and service.settings.url_signing_key:
                    check_signed(request, service.settings)
                else:
                    check_token(request, service.settings, ticket=ticket)
                unknown = sorted(set(request.query_params) - allowed)
                if unknown:
                    known = ", ".join(sorted(allowed)) or "none"
                    names = parsing.shown(", ".join(unknown), 80).strip("'")
                    raise InvalidInput(f"Unknown query option(s): {names}. Known: {known}.", code="unknown_option")
                return await handler(request, service)
            except VtmError as exc:
                return error_response(exc)
            except ClientDisconnect:
                # The client went away mid-request: nobody is left to answer.
                log.info("%s %s: the client disconnected", request.method, request.url.path)
                return Response(status_code=499)
            except Exception as exc:
                explained = service.user_error(exc)  # "no space left" from anywhere: 507 disk_full, not a 500
                if explained is not None:
                    return error_response(explained)
                log.exception("%s %s failed", request.method, request.url.path)
                return internal_error()

        return run

    return wrap
