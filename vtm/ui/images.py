"""Pictures on the dashboard's pages: bounded, and a placeholder when one cannot be shown.

Every output, sprite, keyframe and poster goes through `picture()`, never to `st.image`
as a path (Streamlit would decode it at full size to resize it):

- its header is read first (no pixels); unreadable, or over Pillow's 89.5 MP
  decompression-bomb limit → a placeholder saying why, never an exception box;
- small enough to decode cheaply (at most `CHEAP_PIXELS`; JPEGs count at the 1/2–1/8
  scale they decode at) → shrunk here to fit the box;
- anything bigger → shrunk by a decoder process (`service.display_copy`), under its
  memory cap and time limit.

Copies are cached per file, modification time and box, for 10 minutes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from PIL import Image

from vtm import service
from vtm.errors import VtmError
from vtm.media import display
from vtm.runtime import Runtime
from vtm.ui import format

CHEAP_PIXELS = 4_000_000  # decoded in the server at most: 12 MB of RGB
BOX = 1280  # an output on its page
CARD_BOX = 480  # a tile, a keyframe, a card
Crop = tuple[int, int, int, int]


@dataclass(frozen=True)
class Picture:
    data: bytes | None  # JPEG or PNG bytes that fit the box, or None
    reason: str = ""  # why not, for the placeholder


def picture(rt: Runtime, path: Path, box: int = BOX, crop: Crop | None = None) -> Picture:
    try:
        stat = path.stat()
    except OSError:
        return Picture(None, "This picture is not shown: its file is missing.")
    return _cached(rt, str(path), stat.st_mtime_ns, stat.st_size, box, crop)


@st.cache_data(max_entries=256, ttl=600, show_spinner=False)  # a copy that failed (a timeout) is tried again later
def _cached(_rt: Runtime, path: str, mtime_ns: int, size: int, box: int, crop: Crop | None) -> Picture:
    try:
        info = display.header(Path(path))
        if display.decode_cost(info, box, crop) <= CHEAP_PIXELS:
            return Picture(display.shrink(path, box, crop, max_pixels=CHEAP_PIXELS))
        return Picture(service.display_copy(_rt, Path(path), box, crop))
    except VtmError as exc:
        return Picture(None, exc.message)


def show(rt: Runtime, path: Path, *, caption: str | None = None, width: int | str = "stretch", box: int = BOX,
         crop: Crop | None = None) -> None:
    """The picture at `path` (`caption` is Markdown, already escaped), or a placeholder."""
    shown = picture(rt, path, box, crop)
    if shown.data is None:
        placeholder(shown.reason, caption)
    else:
        st.image(shown.data, caption=caption, width=width)


def placeholder(reason: str, caption: str | None = None) -> None:
    with st.container(border=True):
        st.caption(f":material/hide_image: {format.md(reason)}")
        if caption:
            st.caption(caption)


def image(rt: Runtime, path: Path, box: int) -> Image.Image | None:
    """The picture as a Pillow image that fits `box` (cards), or None."""
    shown = picture(rt, path, box)
    if shown.data is None:
        return None
    with Image.open(io.BytesIO(shown.data)) as small:
        return small.convert("RGB")
