"""Many small frames from one video: where to take them, reading them fast, tiling them.

Shared by contact sheets, storyboards, previews and scene keyframes. Frames are read in
one pass in time order. In `fast` mode each time takes the keyframe at or before it
(no decoding of other frames); when two times land on the same keyframe (short videos,
long GOPs) those tiles are read again exactly, so a sheet never shows one frame twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from vtm.media.frames import Grab, grab_many
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
    Sizer decides, or the full picture (None). In fast mode, a time whose keyframe
    another time already got is read exactly; with `near`, so is one whose keyframe is
    further away than half the spacing of the times (contact sheets of short videos)."""
    order = sorted(range(len(times)), key=lambda i: times[i])
    scale = exact_size(*size) if isinstance(size, tuple) else size
    got: dict[int, Grab] = {}
    total = max(1, len(times))
    for n, grabbed in enumerate(grab_many(path, [times[i] for i in order], exact=not fast, size=scale, nearest=True)):
        got[order[n]] = grabbed
        if progress:
            progress(0.9 * (n + 1) / total)
    if fast:
        _unduplicate(path, times, got, scale, near)
    return [got[i] for i in range(len(times))]


def _unduplicate(path: Path, times: list[float], got: dict[int, Grab], scale: Sizer | None, near: bool) -> None:
    """Read exactly the times whose keyframe was already used by an earlier time, or
    (with `near`) lies further from the time than half the spacing of the times."""
    ordered = sorted(set(times))
    gaps = [b - a for a, b in zip(ordered, ordered[1:], strict=False)]
    tolerance = min(gaps) / 2 if gaps and near else float("inf")
    seen: set[float] = set()
    again = []
    for i in sorted(got, key=lambda i: times[i]):
        key = round(got[i].time, 4)
        off = abs(times[i] - got[i].time)
        if off > 1e-3 and (key in seen or off > tolerance):
            again.append(i)
        seen.add(key)
    if not again:
        return
    again.sort(key=lambda i: times[i])
    for i, grabbed in zip(again, grab_many(path, [times[i] for i in again], exact=True, size=scale), strict=True):
        got[i] = grabbed


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
