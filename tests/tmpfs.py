"""A real small filesystem for disk-full tests: a tmpfs mounted by the test (CI runs as
root), filled to the last byte by a file the test writes, and unmounted after."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted(path: Path, size_mb: int) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(path)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {size_mb} MB tmpfs at {path} ({done.stderr.strip() or 'mount failed'}): "
                    "the disk-full tests need root (CI runs as root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path, leave: int = 0) -> Path:
    """Write a file in `folder` until the disk is full, then give back `leave` bytes."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(block)
            except OSError:
                break
        for size in (4096, 512, 1):
            try:
                while True:
                    handle.write(block[:size])
            except OSError:
                continue
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def free(folder: Path) -> int:
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize
