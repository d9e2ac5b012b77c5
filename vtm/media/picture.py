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
from typing import TYPE_CHECKING, Any

from vtm.media.look import Look

if TYPE_CHECKING:  # NumPy loads where a picture needs it: `vtm thumbnail` mostly does without (to_picture)
    import numpy as np

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
        from vtm.media.deinterlace import deinterlace

        frame = deinterlace(frame, before, after)
    coded_w, coded_h, interpolation = _scaling(frame, look, size)
    if look.hdr:
        from vtm.media.tonemap import to_sdr

        rgb = frame.reformat(width=coded_w, height=coded_h, format="rgb48le", interpolation=interpolation)
        image = to_sdr(rgb.to_ndarray(), str(look.transfer), look.peak)
    elif (coded_w, coded_h) == (frame.width, frame.height):
        image = frame.to_ndarray(format="bgr24")
    else:
        image = frame.reformat(width=coded_w, height=coded_h, format="bgr24", interpolation=interpolation).to_ndarray()
    return rotate(image, look.rotation)


def to_picture(frame: Any, look: Look, size: Sizer | None = None) -> Any:
    """`to_image` as an RGB Pillow image, made without NumPy from the same swscale output
    (BGR, read by Pillow as such: swscale's own RGB differs by up to 4 levels once it
    scales); None for a frame that needs NumPy (HDR, interlaced)."""
    if look.hdr or look.interlaced:
        return None
    from PIL import Image

    coded_w, coded_h, interpolation = _scaling(frame, look, size)
    if (coded_w, coded_h) == (frame.width, frame.height):
        bgr = frame.reformat(format="bgr24")
    else:
        bgr = frame.reformat(width=coded_w, height=coded_h, format="bgr24", interpolation=interpolation)
    plane = bgr.planes[0]
    picture = Image.frombuffer("RGB", (bgr.width, bgr.height), bytes(plane), "raw", "BGR", plane.line_size, 1)
    turns = (look.rotation // 90) % 4  # quarter turns clockwise, as `rotate` (PIL turns the other way)
    clockwise = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}
    return picture.transpose(clockwise[turns]) if turns else picture


def _scaling(frame: Any, look: Look, size: Sizer | None) -> tuple[int, int, str]:
    """The stored (coded) size to scale `frame` to, and swscale's interpolation."""
    shown_w, shown_h = look.display_size(frame.width, frame.height)
    wanted = size(shown_w, shown_h) if size else None
    out_w, out_h = wanted or (shown_w, shown_h)
    coded_w, coded_h = look.stored_size(out_w, out_h)
    shrinking = coded_w <= frame.width and coded_h <= frame.height
    return coded_w, coded_h, "AREA" if shrinking else "BICUBIC"


def rotate(image: np.ndarray, rotation: int) -> np.ndarray:
    import numpy as np

    turns = (rotation // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=-turns)) if turns else image
