"""Writes nobody sees half of: a file renamed into place, a folder staged and renamed
onto its final name; and removing what VTM made.

A failed or killed write leaves only a temporary name (a leading dot and `.part`),
which `DataDir.clear_unfinished` removes on the next start. Every file and folder gets
the mode the umask gives (0644 and 0755 under the usual 022), as `open` and `mkdir`
would: a thumbnail and a storyboard are readable alike.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; on success it is renamed onto `dest`,
    on error it is removed. Readers see the old file or the whole new one."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o666 & ~umask())  # as `open()` would make it (mkstemp makes 0600)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(dest: Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def write_folder(dest: Path, files: dict[str, bytes], staging_root: Path | None = None) -> None:
    """Write `files` into a staging folder (in `staging_root`, else hidden beside `dest`)
    and rename it onto `dest`, replacing an older output of the same name."""
    staging_root = staging_root or dest.parent
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", suffix=".part", dir=staging_root))
    try:
        staging.chmod(0o777 & ~umask())  # as `mkdir` would make it (mkdtemp makes 0700)
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def umask() -> int:
    """The process's umask, read without changing it (Linux: /proc/self/status)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: read by setting it, and put it back at once
    os.umask(mask)
    return mask


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def remove_entry(entry: Path) -> None:
    """Remove a file, a link or a folder with what it holds."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)
