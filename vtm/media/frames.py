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
Every frame handed out is converted by `picture.to_image`: display aspect, upright,
SDR, deinterlaced (an interlaced stream is decoded without NONREF skipping, and a
keyframe is read again exactly, so that its neighbours are at hand).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vtm.errors import Unsupported
from vtm.media.decoder import open_video
from vtm.media.look import Look, look_of
from vtm.media.packets import Walker
from vtm.media.picture import Sizer, to_image

# Decoding forward is cheaper than a new seek when the next time is this close.
FORWARD_WINDOW_S = 1.0


@dataclass(frozen=True)
class Grab:
    requested: float
    time: float
    image: np.ndarray


def grab(path: Path, seconds: float, *, exact: bool = True, size: Sizer | None = None) -> Grab:
    for item in grab_many(path, [seconds], exact=exact, size=size):
        return item
    raise Unsupported("No frame could be read from the video.", code="undecodable")


def grab_many(
    path: Path,
    times: Iterable[float],
    *,
    exact: bool = True,
    size: Sizer | None = None,
    nearest: bool = False,
) -> Iterator[Grab]:
    """One Grab per requested time, in ascending time order. A time past the end (or in
    a damaged tail) gives the last frame that decodes. `size` maps the display size of
    the video to the size wanted (None: all of it); only the frames handed out are
    scaled and converted. `nearest` applies when not `exact` (see above)."""
    wanted = sorted(max(0.0, float(t)) for t in times)
    if not wanted:
        return
    with open_video(path) as (container, stream):
        walker = Walker(container, stream)
        walker.plain = stream_interlaced(stream)
        look: Look | None = None
        last: tuple[Any, Grab] | None = None
        for target in wanted:
            if exact:
                frame = walker.exact_at(target, walk=walker.can_walk_to(target, FORWARD_WINDOW_S))
            else:
                frame = walker.key_at(target, nearest=nearest)
            if look is None:
                look = look_of(stream, frame)
                walker.plain = walker.plain or look.interlaced
            if last is not None and last[0] is frame:
                yield Grab(target, last[1].time, last[1].image)
                continue
            if look.interlaced and not exact:
                frame = walker.exact_at(walker.seconds(frame), walk=False)  # decoded with what follows it
            before, after = walker.neighbours(frame) if look.interlaced else (None, None)
            item = Grab(target, walker.seconds(frame), to_image(frame, look, size, before=before, after=after))
            last = (frame, item)
            yield item


def stream_interlaced(stream: Any) -> bool:
    """Whether the header says the stream is interlaced (before any frame is decoded)."""
    return int(getattr(stream.codec_context, "field_order", 0) or 0) >= 2
