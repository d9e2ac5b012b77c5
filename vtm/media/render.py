"""Image work: fit a picture into a box, and encode it.

Pictures are NumPy BGR arrays. OpenCV resizes (imported only when a resize is needed:
a frame already scaled to its box in swscale, as `vtm thumbnail` reads it, needs none),
Pillow encodes (its import costs a fraction of OpenCV's, which `vtm thumbnail` pays on
every run)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded by the functions that take arrays: `vtm thumbnail` mostly needs none
    import numpy as np

FORMATS = {"jpg": ".jpg", "png": ".png", "webp": ".webp"}


def one_core() -> None:
    """Resize on the calling thread only, for the whole process: a decoder child runs one
    job on one core beside the others, and OpenCV's own pool would spread every resize
    over all the cores they share."""
    import cv2

    cv2.setNumThreads(1)


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    import cv2

    shrinking = width <= w and height <= h
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)


def fit(image: np.ndarray, width: int, height: int, mode: str = "cover", pad: str = "000000") -> np.ndarray:
    """`cover` fills the box and crops the centre; `contain` letterboxes with `pad`
    (hex RGB); `stretch` ignores the aspect."""
    import numpy as np

    h, w = image.shape[:2]
    if mode == "stretch":
        return resize(image, width, height)
    if mode == "cover":
        x, y, crop_w, crop_h = _centre(w, h, width, height)
        return resize(image[y : y + crop_h, x : x + crop_w], width, height)
    scale = min(width / w, height / h)
    inner_w, inner_h = max(1, round(w * scale)), max(1, round(h * scale))
    canvas = np.empty((height, width, 3), dtype=np.uint8)
    canvas[:] = hex_to_bgr(pad)
    x, y = (width - inner_w) // 2, (height - inner_h) // 2
    canvas[y : y + inner_h, x : x + inner_w] = resize(image, inner_w, inner_h)
    return canvas


def cover_picture(picture: Any, width: int, height: int) -> Any:
    """`fit(…, "cover")` of a Pillow picture already scaled to cover the box (the same
    centre crop); None when it needs a resize too (then `fit`, in OpenCV)."""
    x, y, crop_w, crop_h = _centre(picture.width, picture.height, width, height)
    if (crop_w, crop_h) != (width, height):
        return None
    return picture.crop((x, y, x + crop_w, y + crop_h))


def _centre(w: int, h: int, width: int, height: int) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the centre of a w x h picture in the proportions of the box."""
    scale = max(width / w, height / h)
    crop_w, crop_h = min(w, round(width / scale)), min(h, round(height / scale))
    return (w - crop_w) // 2, (h - crop_h) // 2, crop_w, crop_h


def hex_to_bgr(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return b, g, r


def encode(image: np.ndarray, fmt: str = "jpg", quality: int = 85) -> bytes:
    """JPEG and WebP at `quality` (libjpeg/libwebp's 1-100 scale; JPEG with 4:2:0 chroma),
    PNG with zlib level 3."""
    import numpy as np
    from PIL import Image

    return encode_picture(Image.fromarray(np.ascontiguousarray(image[..., 2::-1]) if image.ndim == 3 else image), fmt, quality)


def from_picture(picture: Any) -> np.ndarray:
    """The BGR array of an RGB Pillow picture (`cover_picture`'s way back)."""
    import numpy as np

    return np.ascontiguousarray(np.asarray(picture)[..., ::-1])


def encode_picture(picture: Any, fmt: str = "jpg", quality: int = 85) -> bytes:
    """`encode` of a Pillow picture."""
    if fmt not in FORMATS:
        raise ValueError(f"cannot encode a {fmt} image")
    out = io.BytesIO()
    if fmt == "jpg":
        picture.save(out, "JPEG", quality=quality, subsampling="4:2:0")
    elif fmt == "webp":
        picture.save(out, "WEBP", quality=quality, method=4)
    else:
        picture.save(out, "PNG", compress_level=3)
    return out.getvalue()
