"""Smaller copies of pictures, for showing them on a page, at a bounded cost.

`header()` reads a picture's size and format without decoding its pixels (Pillow reads
only the header; a picture over Pillow's decompression-bomb limit, 89.5 MP, or one it
cannot identify is refused with the reason, code `unshowable`). `decode_cost()` says how many pixels making
a copy would decode: JPEG decodes at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling,
Pillow's `draft`), other formats at full size. `shrink()` makes the copy: a JPEG (a PNG
when the picture has transparency) that fits in `box` x `box`, optionally of one
rectangle of the picture (a storyboard tile)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from vtm.errors import Unsupported

Box = tuple[int, int, int, int]


def unshowable(reason: str) -> Unsupported:
    """The picture cannot be shown; `reason` says why, for people."""
    return Unsupported(f"This picture is not shown: {reason}.", code="unshowable")


@dataclass(frozen=True)
class Header:
    width: int
    height: int
    format: str
    frames: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def header(path: Path) -> Header:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return Header(image.width, image.height, image.format or "", getattr(image, "n_frames", 1))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise unshowable("it is too large to show here (over 89 MP); download it instead") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise unshowable(f"it cannot be read as a picture ({type(exc).__name__})") from None


def fitted(width: int, height: int, box: int) -> tuple[int, int]:
    """The size of `width` x `height` shrunk (never enlarged) to fit in `box` x `box`."""
    scale = min(1.0, box / width, box / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_cost(info: Header, box: int, crop: Box | None = None) -> int:
    """Pixels decoded to make a copy fitting `box` (of `crop`, when given)."""
    if info.format != "JPEG" or crop is not None:
        return info.pixels
    target = fitted(info.width, info.height, box)
    scale = 1
    while scale < 8 and info.width // (scale * 2) >= target[0] and info.height // (scale * 2) >= target[1]:
        scale *= 2
    return -(-info.width // scale) * -(-info.height // scale)


def shrink(path: str | Path, box: int, crop: Box | None = None, max_pixels: int = 89_478_485) -> bytes:
    """A copy of the picture at `path` (of its `crop` rectangle) that fits in `box` x
    `box`: the first frame of an animation. Refuses to decode more than
    `max_pixels` (Unsupported, code `unshowable`). Runs in the server for cheap pictures and in a decoder process for others."""
    info = header(Path(path))
    if decode_cost(info, box, crop) > max_pixels:
        raise unshowable(f"it is {info.width}x{info.height} pixels, too large to show here; download it instead")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if crop is None:
                    image.draft("RGB", fitted(image.width, image.height, box))
                    picture = image.convert("RGBA" if _has_alpha(image) else "RGB")
                else:
                    picture = image.convert("RGB").crop(crop)
        picture.thumbnail((box, box))
        out = io.BytesIO()
        if picture.mode == "RGBA":
            picture.save(out, "PNG")
        else:
            picture.save(out, "JPEG", quality=88)
        return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as exc:
        raise unshowable(f"it cannot be read as a picture ({type(exc).__name__})") from None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
