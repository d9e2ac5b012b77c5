"""Who may call the API: the same-site check for writes (CSRF) and the token
(`VTM_API_TOKEN`), for which an upload ticket (`vtm.tickets`) stands in on uploads."""

from __future__ import annotations

import hmac
import time
from urllib.parse import urlsplit

from starlette.requests import Request

from vtm import signing, tickets
from vtm.config import Settings
from vtm.errors import Forbidden, Unauthorized

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


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


def check_token(request: Request, settings: Settings, *, ticket: bool = False) -> None:
    token = settings.api_token
    if not token:
        return
    if request.method not in WRITE_METHODS and not settings.api_token_reads:
        return
    if ticket and tickets.valid(token, request.headers.get(tickets.HEADER, "")):
        return
    # A `<video>` element cannot send headers: on reads, the ticket may come as `?ticket=`.
    if ticket and request.method in ("GET", "HEAD") and tickets.valid(token, request.query_params.get("ticket", "")):
        return
    if not _bearer_matches(request, token):
        raise Unauthorized("This needs `Authorization: Bearer <token>` (the server's VTM_API_TOKEN).")


def check_signed(request: Request, settings: Settings) -> None:
    """An image URL when `VTM_URL_SIGNING_KEY` is set: the API token (when one is set and
    sent) or a valid, unexpired signature (`vtm.signing`); else 403 with the reason."""
    if settings.api_token and _bearer_matches(request, settings.api_token):
        return
    signing.verify(request.url.path, request.url.query, settings.url_signing_key, time.time())


def reads_need_token(settings: Settings) -> bool:
    return bool(settings.api_token and settings.api_token_reads)


def _bearer_matches(request: Request, token: str) -> bool:
    """`Authorization: Bearer <token>` with this token (compared in constant time)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
