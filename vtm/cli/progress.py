"""A progress bar on stderr for the CLI: no dependency, redrawn at most 10 times a
second, drawn only when stderr is a terminal (logs and pipes stay clean)."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

WIDTH = 24


class Bar:
    def __init__(self, total: int, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = max(1, total)
        self.enabled = enabled and self.stream.isatty()
        self.index, self.label, self.fraction = 0, "", 0.0
        self._drawn_at = 0.0
        self._shown = False

    def start(self, index: int, label: str) -> None:
        self.index, self.label, self.fraction = index, label, 0.0
        self._draw(force=True)

    def part(self, fraction: float) -> None:
        """Progress of the current item, 0..1 (the media progress callback)."""
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self._draw()

    def text(self) -> str:
        overall = (self.index + self.fraction) / self.total
        filled = int(round(overall * WIDTH))
        counter = f" {self.index + 1}/{self.total}" if self.total > 1 else ""
        return f"[{'#' * filled}{'-' * (WIDTH - filled)}] {overall * 100:3.0f}%{counter} {self.label}"

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False

    def done(self) -> None:
        self.clear()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        columns = shutil.get_terminal_size((80, 20)).columns
        self.stream.write("\r\033[K" + self.text()[: columns - 1])
        self.stream.flush()
        self._shown = True
