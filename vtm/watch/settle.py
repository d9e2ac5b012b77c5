"""When a file has stopped changing.

A copy into a watched folder shows the file growing; it is ready once its size and
mtime have stayed the same for `stable_s` seconds and it is not empty. Every new
observation with another state starts the wait again, so a copy that pauses for less
than `stable_s` is never reported half-written. Time is injected (monotonic seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from vtm.watch.state import FileState


@dataclass
class _Pending:
    state: FileState
    since: float


class Settling:
    def __init__(self, stable_s: float) -> None:
        self.stable_s = stable_s
        self._pending: dict[str, _Pending] = {}

    def observe(self, path: str, state: FileState, at: float) -> None:
        current = self._pending.get(path)
        if current is None or current.state != state:
            self._pending[path] = _Pending(state, at)

    def forget(self, path: str) -> None:
        self._pending.pop(path, None)

    def paths(self) -> list[str]:
        return list(self._pending)

    def ready(self, at: float) -> list[tuple[str, FileState]]:
        """Files unchanged for `stable_s` and not empty; they leave the pending set."""
        done = [(p, w.state) for p, w in self._pending.items() if at - w.since >= self.stable_s and w.state.size > 0]
        for path, _ in done:
            del self._pending[path]
        return done
