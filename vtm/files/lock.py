"""One process per data folder: an advisory lock on `vtm.lock`, holding the owner's PID."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

from vtm.errors import StoreLocked


class FolderLock:
    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def close(self) -> None:
        if not self._handle.closed:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def hold(path: Path) -> FolderLock:
    """Take the lock or raise StoreLocked naming the process that has it. An OSError
    (read-only or unreadable folder) is the caller's to explain."""
    handle = open(path, "a+")  # noqa: SIM115 - held for the life of the store
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise StoreLocked(
            f"The data folder {path.parent} is in use by process {holder}; stop that process, "
            "use its API, or set VTM_DATA_DIR to another folder."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return FolderLock(handle)
