"""Pictures on the dashboard's pages: bounded, and a placeholder when one cannot be shown.

Every output, sprite, keyframe and poster goes through `picture()`, never to `st.image`
as a path (Streamlit would decode it at full size to resize it):

`Service.picture` makes the copy at a bounded cost (its header read first; small ones
shrunk in the server, big ones by a decoder process); a picture that is unreadable,
missing or over Pillow's 89.5 MP bomb limit shows a placeholder saying why, never an
exception box.

Copies are cached per file, modification time and box, for 10 minutes.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st
from PIL import Image

from vtm.errors import VtmError
from vtm.service import Service
from vtm.ui import format

BOX = 1280  # an output on its page
CARD_BOX = 480  # a tile, a keyframe, a card
Crop = tuple[int, int, int, int]


@dataclass(frozen=True)
class Picture:
    data: bytes | None  # JPEG or PNG bytes that fit the box, or None
    reason: str = ""  # why not, for the placeholder


def picture(svc: Service, path: Path, box: int = BOX, crop: Crop | None = None) -> Picture:
    try:
        stat = path.stat()
    except OSError:
        return Picture(None, "This picture is not shown: its file is missing.")
    return _cached(svc, str(path), stat.st_mtime_ns, stat.st_size, box, crop)


@st.cache_data(max_entries=256, ttl=600, show_spinner=False)  # a copy that failed (a timeout) is tried again later
def _cached(_svc: Service, path: str, mtime_ns: int, size: int, box: int, crop: Crop | None) -> Picture:
    try:
        return Picture(_svc.picture(Path(path), box, crop))
    except VtmError as exc:
        return Picture(None, exc.message)


def show(svc: Service, path: Path, *, caption: str | None = None, width: int | Literal["stretch", "content"] = "stretch", box: int = BOX,
         crop: Crop | None = None, alt: str, link: str | None = None) -> None:
    """The picture at `path` (`caption` is Markdown, already escaped; `alt` says what it
    shows, for screen readers; `link` where a click goes), or a placeholder."""
    shown = picture(svc, path, box, crop)
    if shown.data is None:
        placeholder(shown.reason, caption)
    else:
        st.image(shown.data, caption=caption, width=width, alt=alt, link=link)


def data_uri(data: bytes) -> str:
    """A picture's bytes (JPEG or PNG) as a `data:` URI, for a page that carries its pictures inside it."""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def placeholder(reason: str, caption: str | None = None) -> None:
    with st.container(border=True):
        st.caption(f":material/hide_image: {format.md(reason)}")
        if caption:
            st.caption(caption)


def image(svc: Service, path: Path, box: int) -> Image.Image | None:
    """The picture as a Pillow image that fits `box` (cards), or None."""
    shown = picture(svc, path, box)
    if shown.data is None:
        return None
    with Image.open(io.BytesIO(shown.data)) as small:
        return small.convert("RGB")
