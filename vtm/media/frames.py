"""Reading the frames shown at given times.

`exact=True` seeks to the keyframe before each time and decodes forward to the frame on
screen at that time (what `ffmpeg -ss T -i` gives). `exact=False` takes the keyframe at
or before the time and skips decoding every other frame: much faster, up to one GOP off.
Times are in seconds from the start of the video stream; many times from one file are
read in one pass, in time order, opening the file once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vtm.errors import Unsupported
from vtm.media.decoder import decoded, display_rotation, frame_time, open_video, seek, to_bgr

# Decoding forward is cheaper than a new seek when the next time is this close.
FORWARD_WINDOW_S = 1.0


@dataclass(frozen=True)
class Grab:
    requested: float
    time: float
    image: np.ndarray


def grab(path: Path, seconds: float, *, exact: bool = True) -> Grab:
    for item in grab_many(path, [seconds], exact=exact):
        return item
    raise Unsupported("No frame could be read from the video.", code="undecodable")


def grab_many(
    path: Path,
    times: Iterable[float],
    *,
    exact: bool = True,
    scale: Callable[[Any], Any] | None = None,
) -> Iterator[Grab]:
    """One Grab per requested time, in ascending time order. A time past the end (or in
    a damaged tail) gives the last frame that decodes. `scale`, when given, maps a
    PyAV frame to a smaller one before conversion (for tiles)."""
    wanted = sorted(max(0.0, float(t)) for t in times)
    if not wanted:
        return
    with open_video(path) as (container, stream):
        if not exact:
            stream.codec_context.skip_frame = "NONKEY"
        reader = _Reader(container, stream, exact, scale)
        yield from reader.read(wanted)


class _Reader:
    def __init__(self, container: Any, stream: Any, exact: bool, scale: Callable[[Any], Any] | None) -> None:
        self.container, self.stream, self.exact, self.scale = container, stream, exact, scale
        self.frames: Iterator[Any] = iter(())
        self.current: Any = None  # the last frame handed out
        self.pending: Any = None  # a frame decoded past the last target, not yet used
        self.rotation: int | None = None

    def read(self, wanted: list[float]) -> Iterator[Grab]:
        for target in wanted:
            frame = self._frame_at(target)
            if self.rotation is None:
                self.rotation = display_rotation(frame)
            source = self.scale(frame) if self.scale else frame
            yield Grab(target, frame_time(frame, self.stream), to_bgr(source, self.rotation))

    def _time(self, frame: Any) -> float:
        return frame_time(frame, self.stream)

    def _frame_at(self, target: float) -> Any:
        best = None
        near = self.current is not None and 0 <= target - self._time(self.current) <= FORWARD_WINDOW_S
        if self.exact and near:
            best = self.current
        else:
            seek(self.container, self.stream, target) or seek(self.container, self.stream, 0.0)
            self.frames, self.pending = decoded(self.container, self.stream), None
        for frame in self._upcoming():
            if best is not None and self._time(frame) > target + 1e-6:
                self.pending = frame
                break
            best = frame
            if not self.exact or abs(self._time(frame) - target) < 1e-4:
                break
        if best is None:
            best = self._last_frame()
        self.current = best
        return best

    def _upcoming(self) -> Iterator[Any]:
        if self.pending is not None:
            frame, self.pending = self.pending, None
            yield frame
        # Not `yield from`: breaking out of this generator would close self.frames too,
        # and the next target within FORWARD_WINDOW_S would find no more frames.
        for frame in self.frames:  # noqa: UP028
            yield frame

    def _last_frame(self) -> Any:
        """The seek went past the data that decodes: read from the start, keep the last."""
        seek(self.container, self.stream, 0.0)
        last = None
        for last in decoded(self.container, self.stream):  # noqa: B007
            pass
        if last is None:
            raise Unsupported("No frame could be decoded.", code="undecodable")
        self.frames = iter(())
        return last
