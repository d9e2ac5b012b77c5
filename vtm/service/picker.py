"""Use cases of the poster picker page: a filmstrip of a video's frames, and a frame with
the smart-crop box over it. Frames are read in a decoder process (the `ingest` executor)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from vtm.models import Video
from vtm.service.base import ServiceBase

PICKER_TIMEOUT_S = 60.0
MAX_STRIP = 24
Crop = tuple[int, int, int, int]
T = TypeVar("T")


class Picker(ServiceBase):
    def filmstrip(self, video: Video, count: int, width: int, around: float | None = None,
                  span: float = 0.0) -> list[tuple[float, bytes]]:
        """(time, JPEG) of `count` frames: keyframes across the video, or (with `around`)
        the exact frames spread over `span` seconds around that time."""
        from vtm.media.filmstrip import filmstrip, strip_times

        times = strip_times(video.duration, max(1, min(count, MAX_STRIP)), around, span)
        return self._call(filmstrip, str(self._data.absolute(video.path)), times, width, around is not None)

    def crop_preview(self, video: Video, seconds: float, aspect: tuple[int, int], width: int) -> tuple[bytes, Crop]:
        """The frame at `seconds` with the smart-crop box of `aspect` drawn, and the box (x, y, w, h)."""
        from vtm.media.filmstrip import crop_preview

        jpeg, box = self._call(crop_preview, str(self._data.absolute(video.path)), seconds, aspect, width)
        return jpeg, (box.x, box.y, box.w, box.h)

    def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return self._decode(fn, *args, timeout=PICKER_TIMEOUT_S, what="The frames could not be read")
