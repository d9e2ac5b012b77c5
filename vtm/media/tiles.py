"""Many small frames from one video: where to take them, reading them fast, tiling them.

Shared by contact sheets, storyboards, previews and scene keyframes. Frames are read in
one pass in time order. In `fast` mode each time takes a keyframe near it from the shot
on screen at that time (vtm.media.keyframes), or its exact frame when no keyframe
qualifies; two tiles never show one keyframe.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from vtm.media.frames import Grab, grab_many
from vtm.media.keyframes import grab_keyframes
from vtm.media.picture import Sizer, exact_size

Progress = Callable[[float], None]


def spread(duration: float | None, count: int, skip: float = 0.05) -> list[float]:
    """`count` times evenly spread over the video, leaving out the first and last `skip`
    fraction (intros, credits); each time is the middle of its slot."""
    if count <= 0:
        return []
    if not duration or duration <= 0:
        return [0.0]
    start, end = duration * skip, duration * (1 - skip)
    step = (end - start) / count
    return [start + step * (i + 0.5) for i in range(count)]


def tile_size(width: int, height: int, tile_width: int) -> tuple[int, int]:
    """(w, h) of a tile `tile_width` wide keeping the displayed aspect; even sides."""
    tile_width = max(2, min(tile_width, width) if width >= 2 else tile_width)
    tile_height = max(2, round(tile_width * height / width))
    return tile_width, tile_height


def grab_tiles(path: Path, times: list[float], *, size: tuple[int, int] | Sizer | None, fast: bool = True,
               near: bool = False, progress: Progress | None = None) -> list[Grab]:
    """One Grab per time (same order as `times`), each image `size` (w, h), or as a
    Sizer decides, or the full picture (None). Fast: keyframes, true to the shot (see
    vtm.media.keyframes); with `near`, a tile whose keyframe lies further from its time
    than half the spacing of the times is read exactly (contact sheets of short videos).
    Otherwise the exact frames."""
    scale = exact_size(*size) if isinstance(size, tuple) else size
    if fast:
        ordered = sorted(set(times))
        gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
        tolerance = min(gaps) / 2 if gaps and near else math.inf
        return grab_keyframes(path, times, size=scale, tolerance=tolerance, progress=progress)
    order = sorted(range(len(times)), key=lambda i: times[i])
    got: dict[int, Grab] = {}
    total = max(1, len(times))
    for n, grabbed in enumerate(grab_many(path, [times[i] for i in order], exact=True, size=scale)):
        got[order[n]] = grabbed
        if progress:
            progress(0.9 * (n + 1) / total)
    return [got[i] for i in range(len(times))]


def grid(images: list[np.ndarray], columns: int, gap: int = 0, background: tuple[int, int, int] = (0, 0, 0)) -> np.ndarray:
    """Images of one size laid out left to right, top to bottom."""
    h, w = images[0].shape[:2]
    rows = max(1, -(-len(images) // columns))
    canvas = np.empty((rows * h + (rows + 1) * gap, columns * w + (columns + 1) * gap, 3), np.uint8)
    canvas[:] = background
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        y, x = gap + r * (h + gap), gap + c * (w + gap)
        canvas[y : y + h, x : x + w] = image
    return canvas


def timestamp(seconds: float, *, millis: bool = False, tenths: bool = False) -> str:
    """`1:02:03`, `2:03` (always minutes:seconds), with `.456` when `millis` (`.4` when
    `tenths`)."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    text = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    if millis:
        text += f".{int(round((seconds - whole) * 1000)) % 1000:03d}"
    elif tenths:
        text += f".{int((seconds - whole) * 10) % 10}"
    return text


def thumb(image: np.ndarray, width: int) -> np.ndarray:
    h, w = image.shape[:2]
    if w <= width:
        return image
    return cv2.resize(image, (width, max(2, round(h * width / w))), interpolation=cv2.INTER_AREA)
