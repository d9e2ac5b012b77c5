"""One picture of a video: the frame at a time (or the best one), fitted and encoded."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtm.media import choose, render
from vtm.media.decoder import display_rotation
from vtm.media.frames import Grab, grab


def resolve_time(at: str, duration: float | None) -> float | None:
    """Seconds for `at` ("12.5", "40%"); None for "auto". Clamped inside the video."""
    if at == "auto":
        return None
    if at.endswith("%"):
        seconds = (duration or 0.0) * float(at[:-1]) / 100
    else:
        seconds = float(at)
    if duration:
        # The last frame starts a little before the end: aim inside it.
        seconds = min(seconds, max(0.0, duration - 0.001))
    return max(0.0, seconds)


def pick_frame(path: Path, at: str, duration: float | None, *, exact: bool = True,
               scale: Callable[[Any], Any] | None = None) -> Grab:
    seconds = resolve_time(at, duration)
    if seconds is not None:
        return grab(path, seconds, exact=exact, scale=scale)
    return choose.pick(path, duration)


def shrinker(width: int, height: int) -> Callable[[Any], Any] | None:
    """Shrink a decoded frame in swscale (area averaging, in the same pass as the RGB conversion) to
    the smallest size that still covers `width` x `height` once upright, keeping its
    aspect: converting and resizing a 1080p or 4K picture costs more than decoding it."""
    if not width and not height:
        return None

    def scale(frame: Any) -> Any:
        sideways = display_rotation(frame) in (90, 270)
        shown_w, shown_h = (frame.height, frame.width) if sideways else (frame.width, frame.height)
        factor = max(width / shown_w, height / shown_h)
        if factor > 0.5:
            return frame
        out_w, out_h = max(2, math.ceil(shown_w * factor)), max(2, math.ceil(shown_h * factor))
        coded_w, coded_h = (out_h, out_w) if sideways else (out_w, out_h)
        return frame.reformat(width=coded_w, height=coded_h, format="bgr24", interpolation="AREA")

    return scale


def make_thumbnail(path: Path, params: dict[str, Any], duration: float | None) -> bytes:
    """The encoded thumbnail described by normalised `params`."""
    scale = shrinker(int(params["width"]), int(params["height"]))
    frame = pick_frame(path, str(params.get("at", "0")), duration, exact=not params.get("fast", False), scale=scale)
    h, w = frame.image.shape[:2]
    width, height = render.box_size(w, h, int(params["width"]), int(params["height"]))
    image = render.fit(frame.image, width, height, params.get("fit", "cover"), params.get("pad", "000000"))
    return render.encode(image, params.get("format", "jpg"), int(params.get("quality", 85)))
