"""One picture of a video: the frame at a time (or the best one), fitted and encoded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vtm.media import choose, render
from vtm.media.box import box_size
from vtm.media.frames import Grab, grab
from vtm.media.picture import Sizer, covering


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


def pick_frame(path: Path, at: str, duration: float | None, *, exact: bool = True, size: Sizer | None = None) -> Grab:
    """The frame for `at`, at `size` (see picture.Sizer; the best frame of `auto` is
    chosen on small copies and then read again at that size)."""
    seconds = resolve_time(at, duration)
    if seconds is not None:
        return grab(path, seconds, exact=exact, size=size)
    return choose.pick(path, duration, size=size)


def make_thumbnail(path: Path, params: dict[str, Any], duration: float | None) -> bytes:
    """The encoded thumbnail described by normalised `params`."""
    size = covering(int(params["width"]), int(params["height"]))
    frame = pick_frame(path, str(params.get("at", "0")), duration, exact=not params.get("fast", False), size=size)
    h, w = frame.image.shape[:2]
    width, height = box_size(w, h, int(params["width"]), int(params["height"]))
    image = render.fit(frame.image, width, height, params.get("fit", "cover"), params.get("pad", "000000"))
    return render.encode(image, params.get("format", "jpg"), int(params.get("quality", 85)))
