"""Writes nobody sees half of: a file renamed into place, a folder staged and renamed
onto its final name; and removing what VTM made.

A failed or killed write leaves only a temporary name (a leading dot and `.part`),
which `DataDir.clear_unfinished` removes on the next start.
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
        for name, data in files.items():
            (staging / name).write_bytes(data)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def remove_entry(entry: Path) -> None:
    """Remove a file, a link or a folder with what it holds."""
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)
