"""Errors a user can cause. Each carries a code and a message that says what happened
and what to do next. The API answers each with the HTTP status shown (`vtm.web.errors`,
by class); the dashboard shows its message (`vtm.ui.feedback`).

    VtmError
    ├── BadRequest      400  the request is malformed (no file, empty name)
    ├── Unauthorized    401  a token is needed
    ├── Forbidden       403  a write from another web site's page
    ├── NotFound        404  no such video / job / output
    ├── Conflict        409  a name exists, an output is not ready, the data folder is taken
    │   └── StoreLocked      another process holds the data folder
    ├── TooLarge        413  over an upload or size limit
    ├── Unsupported     415  not a video we can decode
    ├── InvalidInput    422  a value out of range or an unknown option
    ├── DataFolderError 503  the data folder or its database cannot be used (start-up)
    └── DiskFull        507  no space left where VTM writes (ENOSPC anywhere)
"""

from __future__ import annotations


class VtmError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}


class BadRequest(VtmError):
    code = "bad_request"


class Unauthorized(VtmError):
    code = "unauthorized"


class Forbidden(VtmError):
    code = "forbidden"


class NotFound(VtmError):
    code = "not_found"


class Conflict(VtmError):
    code = "conflict"


class StoreLocked(Conflict):
    code = "store_locked"


class TooLarge(VtmError):
    code = "too_large"


class Unsupported(VtmError):
    code = "unsupported_media"


class InvalidInput(VtmError):
    code = "invalid_input"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field  # the option it is about, when one is (a form shows it next to that field)


class DataFolderError(VtmError):
    """The data folder or its database cannot be used: a file where the folder should be,
    a read-only or unreadable folder, a damaged database. Said in one line at start."""

    code = "data_folder_unusable"


class DiskFull(VtmError):
    """No space left on the disk VTM writes to (ENOSPC/EDQUOT), built by `vtm.disk`
    with the folder and the space left in its message."""

    code = "disk_full"
