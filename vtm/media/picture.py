"""From a decoded frame to the picture a viewer sees: square pixels at the display size
(or the size asked for, in display proportions), upright, 8-bit BGR, HDR tone-mapped
to SDR BT.709, interlaced frames deinterlaced. The one place every output converts
frames, so each rule holds for thumbnails, sheets, storyboards, previews, scene
keyframes and posters alike.

Scaling happens in swscale in the same pass as the conversion to RGB (area averaging
when shrinking): converting a 4K frame at full size costs more than decoding it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from vtm.media.deinterlace import deinterlace
from vtm.media.look import Look
from vtm.media.tonemap import to_sdr

# Given the display size (w, h) of a frame, the upright size wanted, or None for all of it.
Sizer = Callable[[int, int], "tuple[int, int] | None"]


def exact_size(width: int, height: int) -> Sizer:
    return lambda shown_w, shown_h: (width, height)


def covering(width: int, height: int, *, keep_above: float = 0.5) -> Sizer:
    """The smallest size in display proportions that covers `width` x `height` (a 0 side
    is free); the whole picture when that would be more than `keep_above` of it (the
    final fit then resizes once, in OpenCV)."""

    def size(shown_w: int, shown_h: int) -> tuple[int, int] | None:
        factor = max(width / shown_w, height / shown_h)
        if factor > keep_above:
            return None
        return max(2, width, round(shown_w * factor)), max(2, height, round(shown_h * factor))

    return size


def to_image(frame: Any, look: Look, size: Sizer | None = None, *, before: Any = None, after: Any = None) -> np.ndarray:
    """The upright BGR picture of `frame` (with its neighbours `before`/`after` when the
    stream is interlaced), at `size(display w, display h)` or its full display size."""
    if look.interlaced:
        frame = deinterlace(frame, before, after)
    shown_w, shown_h = look.display_size(frame.width, frame.height)
    wanted = size(shown_w, shown_h) if size else None
    out_w, out_h = wanted or (shown_w, shown_h)
    coded_w, coded_h = look.stored_size(out_w, out_h)
    shrinking = coded_w <= frame.width and coded_h <= frame.height
    interpolation = "AREA" if shrinking else "BICUBIC"
    if look.hdr:
        rgb = frame.reformat(width=coded_w, height=coded_h, format="rgb48le", interpolation=interpolation)
        image = to_sdr(rgb.to_ndarray(), str(look.transfer), look.peak)
    elif (coded_w, coded_h) == (frame.width, frame.height):
        image = frame.to_ndarray(format="bgr24")
    else:
        image = frame.reformat(width=coded_w, height=coded_h, format="bgr24", interpolation=interpolation).to_ndarray()
    return rotate(image, look.rotation)


def rotate(image: np.ndarray, rotation: int) -> np.ndarray:
    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=-turns)) if turns else image
