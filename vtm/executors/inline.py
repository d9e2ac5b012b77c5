"""`InlineExecutor`: calls run in the calling thread (tests, the CLI, VTM_ISOLATION=thread)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from vtm.executors.base import Cancel, Placed, Progress, failure, guarded

T = TypeVar("T")


class InlineExecutor:
    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None, progress: Progress | None = None,
             cancelled: Cancel | None = None, placed: Placed | None = None) -> T:
        report = guarded(progress, cancelled, "inline call")
        try:
            if report is not None:
                return fn(*args, report)
            return fn(*args)
        except Exception as exc:
            raise failure(exc) from exc

    def close(self) -> None:
        pass
