"""The files a command works on: files as given, folders replaced by their videos."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def expand(targets: Iterable[Path], extensions: tuple[str, ...]) -> list[Path]:
    """Files as given; folders replaced by the video files in them (recursively, sorted)."""
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.rglob("*") if p.is_file() and p.suffix.lower() in extensions)
        else:
            found.append(target)
    return found
