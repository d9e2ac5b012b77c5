"""Reading a request's path, query and JSON body, within bounds (`vtm.parsing`)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request

from vtm import parsing
from vtm.errors import NotFound, TooLarge

MAX_ID = 2**62


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


def options(request: Request, names: Iterable[str]) -> dict[str, object]:
    """The query options among `names` that the request has."""
    return {name: request.query_params[name] for name in names if name in request.query_params}


async def json_body(request: Request, limit: int, send: str) -> object:
    """The request's JSON body (`{}` when empty), read up to `limit` bytes: over it, a 413
    that says what to `send` instead; deep or huge values refused by `parsing.json_body`."""
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise TooLarge(f"The request body is over {limit // 1024} KB; {send}.")
    return parsing.json_body(raw or b"{}")
