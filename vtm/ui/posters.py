"""Poster frames shaped for the card grid: every poster padded to 16:9 so that a
portrait video's card is as tall as the others. The picture comes bounded from
`vtm.ui.images` (never decoded at full size here)."""

from __future__ import annotations

import io
from pathlib import Path

import streamlit as st
from PIL import Image

from vtm.service import Service
from vtm.ui import images

ASPECT = 16 / 9
PAD = (236, 239, 244)  # the theme's secondary background, a little darker
WIDTH = 480


def card_image(svc: Service, path: Path) -> Image.Image | None:
    """The picture fitted and padded into a 480x270 card, or None when it cannot be shown."""
    height = round(WIDTH / ASPECT)
    image = images.image(svc, path, WIDTH)
    if image is None:
        return None
    image.thumbnail((WIDTH, height))
    canvas = Image.new("RGB", (WIDTH, height), PAD)
    canvas.paste(image, ((canvas.width - image.width) // 2, (canvas.height - image.height) // 2))
    return canvas


def show_card(svc: Service, path: Path, caption: str | None = None, *, alt: str, link: str | None = None) -> None:
    """The card picture with its (escaped) caption, `alt` text and `link`, or a placeholder with the reason."""
    card = card_jpeg(svc, path)
    if card is None:
        images.placeholder(images.picture(svc, path, WIDTH).reason, caption)
    else:
        st.image(card, caption=caption, width="stretch", alt=alt, link=link)


def card_jpeg(svc: Service, path: Path) -> bytes | None:
    """The padded card as JPEG bytes, or None when its file is missing or cannot be shown."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _card_jpeg(svc, str(path), stat.st_mtime_ns, stat.st_size)


@st.cache_data(max_entries=512, ttl=600, show_spinner=False)
def _card_jpeg(_svc: Service, path: str, mtime_ns: int, size: int) -> bytes | None:
    """The padded card as JPEG bytes, made once per poster file (a page of 24 cards is
    drawn again on every rerun)."""
    card = card_image(_svc, Path(path))
    if card is None:
        return None
    out = io.BytesIO()
    card.save(out, "JPEG", quality=85)
    return out.getvalue()
