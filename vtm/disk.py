"""Disk space: how much is left where VTM writes, and "no space left" turned into one
typed error (`DiskFull`, HTTP 507 `disk_full`) whose message names the folder and the
space left, wherever it happens (an upload, a render in a child process, a database
write). Nothing here deletes anything."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vtm.errors import DiskFull

MB = 1024 * 1024
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
FULL_TEXTS = ("No space left on device", "Disk quota exceeded")
# Room kept free beyond an upload's own size: its poster, the database's writes.
UPLOAD_HEADROOM = 8 * MB


def free_bytes(folder: Path) -> int:
    """Bytes an unprivileged writer can still use on the disk holding `folder`
    (statvfs; about 10 µs)."""
    return shutil.disk_usage(_existing(folder)).free


def describe(size: int) -> str:
    if size < MB:
        return f"{size // 1024} KB"
    return f"{size / MB:.1f} MB"


def is_full(exc: BaseException) -> bool:
    """True for "no space left" however it arrives: an OSError with ENOSPC/EDQUOT, or
    another library's error whose text carries it (DuckDB, FFmpeg)."""
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return True
    return any(text in str(exc) for text in FULL_TEXTS)


def full_error(folder: Path, what: str = "") -> DiskFull:
    """The error for a full disk under `folder`, naming it and the space left."""
    try:
        left = describe(free_bytes(folder))
    except OSError:
        left = "unknown space"
    doing = f" {what}" if what else ""
    return DiskFull(
        f"The disk holding {folder} is full ({left} left){doing}. Free some space "
        "(delete videos or outputs you no longer need, or other files on that disk) and try again."
    )


@contextmanager
def full_as_error(folder: Path, what: str = "") -> Iterator[None]:
    """Turn "no space left" raised inside the block into `DiskFull` naming `folder`;
    other errors pass unchanged."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        if is_full(exc):
            raise full_error(folder, what) from None
        raise


def require_room(folder: Path, size: int, what: str) -> None:
    """Refuse, before any byte is written, something of `size` bytes that would not fit
    (with `UPLOAD_HEADROOM` to spare)."""
    free = free_bytes(folder)
    if size + UPLOAD_HEADROOM > free:
        raise DiskFull(
            f"{what} ({describe(size)}) does not fit: the disk holding {folder} has {describe(free)} left "
            f"(VTM keeps {describe(UPLOAD_HEADROOM)} spare). Free some space and try again."
        )


def _existing(folder: Path) -> Path:
    """The nearest existing folder (the data folder may not exist yet)."""
    path = Path(folder)
    while not path.exists() and path.parent != path:
        path = path.parent
    return path
