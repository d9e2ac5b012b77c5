"""What the watcher knows about files and what it reports. No I/O here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileState:
        return cls(stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Known:
    """A file the library knows (from `watched_files`): its state when last seen."""

    state: FileState
    missing: bool = False


class WatchEventKind(StrEnum):
    ADDED = "added"  # a new file, complete: import it by reference
    CHANGED = "changed"  # a known file now has another size or mtime: probe it again
    MISSING = "missing"  # a known file is gone (moved away or deleted): mark its video missing
    MOVED = "moved"  # a missing file turned up under another name (same size and mtime)
    RESTORED = "restored"  # a missing file is back where it was, unchanged


@dataclass(frozen=True)
class WatchEvent:
    kind: WatchEventKind
    path: str
    state: FileState | None = None
    old_path: str | None = None  # for MOVED
