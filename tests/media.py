"""Generated test videos (real files, encoded with PyAV): sizes, rotation metadata,
black intros, fades, corrupt copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vtm.media.samples import black_intro, pattern, portrait_scene, write_clip


def clip(path: Path, *, width: int = 320, height: int = 240, seconds: float = 2.0, fps: int = 25,
         rotation: int = 0, codec: str = "libx264", painter=pattern) -> Path:
    return write_clip(path, painter, width=width, height=height, seconds=seconds, fps=fps, rotation=rotation, codec=codec)


def portrait(path: Path) -> Path:
    """Coded 320x180, shown 180x320 (rotation metadata, as phones record)."""
    return clip(path, width=320, height=180, seconds=1.0, rotation=-90, painter=portrait_scene)


def fade_in(path: Path) -> Path:
    def painter(i: int, w: int, h: int, total: int) -> np.ndarray:
        level = min(1.0, i / (total * 0.6))
        return (pattern(i, w, h, total) * level).astype(np.uint8)

    return clip(path, seconds=3.0, painter=painter)


def with_black_intro(path: Path) -> Path:
    return clip(path, seconds=6.0, painter=black_intro)


def corrupt(path: Path, source: Path) -> Path:
    """A copy of `source` with its header overwritten by garbage."""
    data = bytearray(source.read_bytes())
    data[:4096] = bytes((i * 7) % 251 for i in range(4096))
    path.write_bytes(bytes(data))
    return path
