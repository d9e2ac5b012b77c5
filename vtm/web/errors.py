"""Typed errors to HTTP: the one place that says which status each `vtm.errors` class
answers, and the JSON body every /api error has: `{"error": {"code", "message"}}`.
A class not listed answers as its nearest listed base (`StoreLocked` as `Conflict`)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from vtm import errors
from vtm.errors import VtmError

STATUS: dict[type[VtmError], int] = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.Unsupported: 415,
    errors.InvalidInput: 422,
    errors.DataFolderError: 503,
    errors.DiskFull: 507,
    VtmError: 400,
}


def status_of(exc: VtmError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_response(exc: VtmError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, errors.Unauthorized) else None
    return JSONResponse(exc.to_dict(), status_code=status_of(exc), headers=headers)


def internal_error() -> JSONResponse:
    return JSONResponse(
        {"error": {"code": "internal", "message": "Something went wrong on the server; the log has the details."}},
        status_code=500,
    )
