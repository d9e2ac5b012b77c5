"""Reading the frames shown at given times.

`exact=True` gives the frame on screen at each time: the last frame whose timestamp is
at or before it (at a frame's own timestamp, the frame `ffmpeg -ss T -i` gives). It
seeks to the keyframe before the time and decodes forward only as far as that frame;
frames before it that no other frame refers to (non-reference B-frames) are not decoded
at all (`skip_frame=NONREF`, switched per packet: exact, since nothing depends on them).
`exact=False` takes the keyframe at or before each time and decodes only that one:
much faster, up to one GOP early. With `nearest=True` it takes the next keyframe
instead when that one is closer (found with one more seek, not by decoding): at most
half a GOP off, for about the same cost.

Many times from one file are read in one pass, in time order, opening the file once;
an exact time close after the previous one decodes forward instead of seeking again.
A time past the end (or in a damaged tail) gives the last frame that decodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vtm.errors import Unsupported
from vtm.media.decoder import display_rotation, open_video, to_bgr
from vtm.media.packets import Walker

# Decoding forward is cheaper than a new seek when the next time is this close.
FORWARD_WINDOW_S = 1.0


@dataclass(frozen=True)
class Grab:
    requested: float
    time: float
    image: np.ndarray


def grab(path: Path, seconds: float, *, exact: bool = True, scale: Callable[[Any], Any] | None = None) -> Grab:
    for item in grab_many(path, [seconds], exact=exact, scale=scale):
        return item
    raise Unsupported("No frame could be read from the video.", code="undecodable")


def grab_many(
    path: Path,
    times: Iterable[float],
    *,
    exact: bool = True,
    scale: Callable[[Any], Any] | None = None,
    nearest: bool = False,
) -> Iterator[Grab]:
    """One Grab per requested time, in ascending time order. A time past the end (or in
    a damaged tail) gives the last frame that decodes. `scale`, when given, maps a
    PyAV frame to a smaller one before conversion (for tiles); only the frames handed
    out are scaled and converted. `nearest` applies when not `exact` (see above)."""
    wanted = sorted(max(0.0, float(t)) for t in times)
    if not wanted:
        return
    with open_video(path) as (container, stream):
        walker = Walker(container, stream)
        rotation: int | None = None
        last: tuple[Any, Grab] | None = None
        for target in wanted:
            if exact:
                frame = walker.exact_at(target, walk=walker.can_walk_to(target, FORWARD_WINDOW_S))
            else:
                frame = walker.key_at(target, nearest=nearest)
            if rotation is None:
                rotation = display_rotation(frame)
            if last is not None and last[0] is frame:
                yield Grab(target, last[1].time, last[1].image)
                continue
            source = scale(frame) if scale else frame
            item = Grab(target, walker.seconds(frame), to_bgr(source, rotation))
            last = (frame, item)
            yield item
