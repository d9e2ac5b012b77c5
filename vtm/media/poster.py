"""A video's poster: the frame at a chosen time (or the best one, `auto`), or the cover
art the file carries (an MP4/MKV attached picture), written as a JPEG with its ThumbHash.
Runs in a decoder process (the service's `ingest` executor)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from vtm.errors import InvalidInput, Unsupported
from vtm.media import choose, render, thumbhash
from vtm.media.frames import grab
from vtm.media.picture import covering

MAX_WIDTH = 1280  # a chosen poster is kept this wide at most (the video's own width when smaller)
MAX_HEIGHT = 1280
QUALITY = 85


@dataclass(frozen=True)
class Poster:
    jpeg: bytes
    at: float | None  # the frame's time; None for cover art
    thumbhash: str  # base64


def cover_art(path: Path) -> np.ndarray | None:
    """The attached picture of the file (BGR), or None when it has none (or it cannot be read)."""
    with av.open(str(path)) as container:
        for stream in container.streams:
            if stream.disposition & av.stream.Disposition.attached_pic:
                for packet in container.demux(stream):
                    data = bytes(packet)
                    if data:
                        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
                        return image if image is not None and image.size else None
    return None


def has_cover_art(source: str) -> bool:
    return cover_art(Path(source)) is not None


def bounded(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(1.0, MAX_WIDTH / w, MAX_HEIGHT / h)
    if scale >= 1.0:
        return image
    return render.resize(image, max(2, round(w * scale)), max(2, round(h * scale)))


def make_poster(source: str, seconds: float | None, duration: float | None, cover: bool = False) -> Poster:
    """The poster at `seconds` (None: the best frame), or the cover art with `cover`."""
    path = Path(source)
    if cover:
        image = cover_art(path)
        if image is None:
            raise InvalidInput("This video carries no cover art; choose a frame instead.", code="no_cover_art")
        at = None
    else:
        size = covering(MAX_WIDTH, 0)
        frame = choose.pick(path, duration, size=size) if seconds is None else grab(path, seconds, exact=True, size=size)
        image, at = frame.image, round(frame.time, 3)
    image = bounded(image)
    return Poster(render.encode(image, "jpg", QUALITY), at, thumbhash.to_base64(thumbhash.encode(image)))


def hash_of(path: Path) -> str:
    """The ThumbHash (base64) of a picture file (a poster VTM wrote)."""
    image = cv2.imread(str(path), cv2.IMREAD_REDUCED_COLOR_4)
    if image is None:
        raise Unsupported(f"{path.name} cannot be read as a picture.", code="unshowable")
    return thumbhash.to_base64(thumbhash.encode(image))


def resized(path: Path, width: int | None, fmt: str) -> bytes:
    """The poster file `width` px wide at most (never wider than it is), as jpg or webp."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise Unsupported(f"{path.name} cannot be read as a picture.", code="unshowable")
    h, w = image.shape[:2]
    if width and width < w:
        image = render.resize(image, width, max(1, round(width * h / w)))
    return render.encode(image, fmt, QUALITY)


def placeholder_png(thumbhash_b64: str) -> bytes:
    return thumbhash.placeholder_png(thumbhash.from_base64(thumbhash_b64))
