"""Pictures for the poster picker: a filmstrip of small frames (keyframes across the
video, or exact frames around a chosen time), and a frame with the smart-crop box drawn
over it (what `fit=smart` would keep at an aspect)."""

from __future__ import annotations

from pathlib import Path

import cv2

from vtm.media import render, smartcrop, tiles
from vtm.media.frames import grab
from vtm.media.picture import covering

QUALITY = 80
BOX_COLOUR = (0, 200, 255)  # BGR: amber


def strip_times(duration: float | None, count: int, around: float | None = None, span: float = 0.0) -> list[float]:
    """`count` times across the video (the middle of equal parts), or across `around`
    ± `span` / 2, inside the video."""
    if not duration or duration <= 0:
        return [0.0]
    if around is None:
        return [round(duration * (i + 0.5) / count, 3) for i in range(count)]
    first = min(max(0.0, around - span / 2), max(0.0, duration - span))
    last = min(duration - 0.001, first + span)
    step = (last - first) / max(1, count - 1)
    return sorted({round(first + step * i, 3) for i in range(count)})


def filmstrip(source: str, times: list[float], width: int, exact: bool) -> list[tuple[float, bytes]]:
    """(time shown, JPEG) of each time: the nearest keyframes (fast), or the exact frames."""
    grabs = tiles.grab_tiles(Path(source), times, size=covering(width, 0), fast=not exact, near=not exact)
    out = []
    for g in grabs:
        h, w = g.image.shape[:2]
        image = render.resize(g.image, width, max(2, round(width * h / w))) if w != width else g.image
        out.append((round(g.time, 3), render.encode(image, "jpg", QUALITY)))
    return out


def crop_preview(source: str, seconds: float, aspect: tuple[int, int], width: int) -> tuple[bytes, smartcrop.Box]:
    """The frame at `seconds`, `width` px wide, with the smart-crop box of `aspect`
    (w, h) drawn over it; and the box, in the frame's pixels as shown."""
    frame = grab(Path(source), seconds, exact=True, size=covering(width, 0)).image
    h, w = frame.shape[:2]
    image = render.resize(frame, width, max(2, round(width * h / w))) if w != width else frame.copy()
    box = smartcrop.smart_box(image, *aspect)
    shaded = image.copy()
    shaded[:] = (shaded * 0.45).astype(shaded.dtype)
    shaded[box.y : box.y + box.h, box.x : box.x + box.w] = image[box.y : box.y + box.h, box.x : box.x + box.w]
    cv2.rectangle(shaded, (box.x, box.y), (box.x + box.w - 1, box.y + box.h - 1), BOX_COLOUR, 2)
    return render.encode(shaded, "jpg", QUALITY), box
