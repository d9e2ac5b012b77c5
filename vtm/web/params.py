"""Reading a request's path and query, within bounds (`vtm.parsing`)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request

from vtm import parsing
from vtm.errors import NotFound

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
