"""Pictures for the dashboard's pages: a copy of a file VTM made that fits a box, at a
bounded cost. Its header is read first (no pixels): unreadable or over Pillow's 89.5 MP
bomb limit is refused with the reason. Small enough to decode cheaply (at most
`CHEAP_PIXELS`; a JPEG counts at the 1/2-1/8 scale it decodes at): shrunk in this
process. Anything bigger: shrunk by a decoder process, under its memory cap and time
limit — the server never decodes a big picture itself."""

from __future__ import annotations

from pathlib import Path

from vtm.errors import Unsupported
from vtm.executors.base import CallFailed, Interrupted
from vtm.service.base import ServiceBase

CHEAP_PIXELS = 4_000_000  # decoded in the server at most: 12 MB of RGB
DISPLAY_TIMEOUT_S = 30.0
Crop = tuple[int, int, int, int]


class Pictures(ServiceBase):
    def picture(self, path: Path, box: int, crop: Crop | None = None) -> bytes:
        """A JPEG (or PNG) copy of `path` (of its `crop` rectangle) within `box` x `box`.
        Raises Unsupported (code `unshowable`) with the reason when it cannot be shown."""
        from vtm.media import display

        info = display.header(path)
        if display.decode_cost(info, box, crop) <= CHEAP_PIXELS:
            return display.shrink(str(path), box, crop, max_pixels=CHEAP_PIXELS)
        return self.display_copy(path, box, crop)

    def display_copy(self, path: Path, box: int, crop: Crop | None = None) -> bytes:
        """The copy made in a decoder process, whatever its size."""
        from vtm.media.display import shrink, unshowable

        try:
            return self._ingest.call(shrink, str(path), box, crop, timeout=DISPLAY_TIMEOUT_S)
        except CallFailed as failure:
            if isinstance(failure.user_error, Unsupported):
                raise failure.user_error from None
            raise unshowable(failure.message[:1].lower() + failure.message[1:].rstrip(".")) from None
        except Interrupted:
            raise unshowable("VTM is shutting down") from None
