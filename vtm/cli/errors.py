"""Exit codes of `vtm`, the usage error, and an error said in one line."""

from __future__ import annotations

OK, FAILED, USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot run (exit code 2, before any work)."""


def reason(exc: BaseException) -> str:
    """What went wrong with one input, in one line (no traceback)."""
    message = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(message)
