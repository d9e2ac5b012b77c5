"""The executor seam: what every executor does, and the errors a call ends with.

    call(fn, *args, timeout=None, progress=None, cancelled=None, placed=None) -> fn's result
    close()

`fn` and its arguments must pickle (a child process or a cluster node runs them).
With `progress`, `fn` gets one more argument: a callback taking a fraction 0..1.
A call ends with the result, or raises `CallFailed` (the work failed: `message` for
people, `traceback` for us, `user_error` when it was a `vtm.errors` error),
`Interrupted` (the executor was closed meanwhile: not the work's fault) or `Cancelled`
(the caller said it no longer wants the result). `placed` is told where each attempt
runs by an executor that places work on machines (the cluster's); a local one never calls it.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from vtm import errors

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[float], None]
Cancel = Callable[[], bool]
Placed = Callable[[Any], None]
# How often a waiting call checks whether it was cancelled.
POLL_S = 0.25
MEMORY_MESSAGE = "Ran out of memory while decoding (over VTM_JOB_MEMORY_MB); the decoder was restarted."


class Executor(Protocol):
    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None, progress: Progress | None = None,
             cancelled: Cancel | None = None, placed: Placed | None = None) -> T: ...

    def close(self) -> None: ...


class CallFailed(Exception):
    """A call did not produce a result. `message` is for people, `traceback` for us."""

    def __init__(self, message: str, traceback: str | None = None, *, user_error: errors.VtmError | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.traceback = traceback
        self.user_error = user_error


class Interrupted(Exception):
    """The executor was closed (server shutting down) while a call ran: not the job's fault."""


class Cancelled(BaseException):
    """The caller no longer wants the result (its job or video was deleted). Raised by a
    progress callback or reported by `cancelled()`; the call stops and its child is
    replaced. A BaseException, so that no `except Exception` on the way swallows it."""


def failure(exc: BaseException) -> CallFailed:
    """The CallFailed for an exception raised by the work itself."""
    if isinstance(exc, errors.VtmError):
        return CallFailed(exc.message, None, user_error=exc)
    if isinstance(exc, MemoryError):
        return CallFailed(MEMORY_MESSAGE, traceback.format_exc())
    return CallFailed(f"Could not process the video: {exc or type(exc).__name__}", traceback.format_exc())


def guarded(progress: Progress | None, cancelled: Cancel | None, label: str) -> Progress | None:
    """`progress` that never lets its own errors escape into the call (a deleted job row,
    a failing database write): the first one is logged and the call goes on. It raises
    only `Cancelled`, when the callback or `cancelled()` says the result is not wanted."""
    if progress is None and cancelled is None:
        return None
    warned = [False]

    def report(value: float) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(label)
        if progress is None:
            return
        try:
            progress(value)
        except Exception as exc:  # noqa: BLE001 - reported once; progress is not the result
            if not warned[0]:
                warned[0] = True
                log.warning("%s: a progress report failed (%s); the call goes on", label, exc)

    return report
