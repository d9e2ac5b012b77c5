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
from typing import TYPE_CHECKING, Any

from vtm.errors import Unsupported
from vtm.media.decoder import open_video
from vtm.media.look import Look, look_of
from vtm.media.packets import Walker
from vtm.media.picture import Sizer, to_image, to_picture

if TYPE_CHECKING:
    import numpy as np

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


def grab_picture(path: Path, seconds: float, *, exact: bool = True, size: Sizer | None = None) -> tuple[float, Any]:
    """(time, RGB Pillow picture) of the frame `grab` gives, converted without NumPy when
    the stream allows (`picture.to_picture`): one picture from the command line then does
    not load it."""
    for _, time, frame, look, before, after in _decoded(path, [max(0.0, float(seconds))], exact=exact, nearest=False):
        picture = to_picture(frame, look, size)
        if picture is None:
            from PIL import Image

            picture = Image.fromarray(to_image(frame, look, size, before=before, after=after)[..., ::-1])
        return time, picture
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
    last: tuple[Any, Grab] | None = None
    for target, time, frame, look, before, after in _decoded(path, wanted, exact=exact, nearest=nearest):
        if last is not None and last[0] is frame:
            yield Grab(target, last[1].time, last[1].image)
            continue
        item = Grab(target, time, to_image(frame, look, size, before=before, after=after))
        last = (frame, item)
        yield item


def _decoded(path: Path, wanted: list[float], *, exact: bool, nearest: bool) -> Iterator[tuple[float, float, Any, Look, Any, Any]]:
    """(time asked, time shown, frame, its look, the frames before and after it when the
    stream is interlaced) for each of the ascending times `wanted`, from one pass."""
    if not wanted:
        return
    with open_video(path) as (container, stream):
        walker = Walker(container, stream)
        walker.plain = stream_interlaced(stream)
        look: Look | None = None
        last: tuple[Any, tuple[float, Any, Look, Any, Any]] | None = None  # (frame as read, what it gave)
        for target in wanted:
            if exact:
                found = walker.exact_at(target, walk=walker.can_walk_to(target, FORWARD_WINDOW_S))
            else:
                found = walker.key_at(target, nearest=nearest)
            if look is None:
                look = look_of(stream, found)
                walker.plain = walker.plain or look.interlaced
            if last is not None and last[0] is found:  # the same frame again: nothing more to decode
                yield (target, *last[1])
                continue
            frame = found
            if look.interlaced and not exact:
                frame = walker.exact_at(walker.seconds(frame), walk=False)  # decoded with what follows it
            before, after = walker.neighbours(frame) if look.interlaced else (None, None)
            last = (found, (walker.seconds(frame), frame, look, before, after))
            yield (target, *last[1])


def stream_interlaced(stream: Any) -> bool:
    """Whether the header says the stream is interlaced (before any frame is decoded)."""
    return int(getattr(stream.codec_context, "field_order", 0) or 0) >= 2
