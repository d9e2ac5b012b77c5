"""Poster frames shaped for the card grid: every poster padded to 16:9 so that a
portrait video's card is as tall as the others."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from PIL import Image

ASPECT = 16 / 9
PAD = (236, 239, 244)  # the theme's secondary background, a little darker
WIDTH = 480


@st.cache_data(max_entries=256, show_spinner=False)
def _card_image(path: str, mtime: float) -> Image.Image:
    with Image.open(path) as source:
        image = source.convert("RGB")
    image.thumbnail((WIDTH, round(WIDTH / ASPECT)))
    canvas = Image.new("RGB", (WIDTH, round(WIDTH / ASPECT)), PAD)
    canvas.paste(image, ((canvas.width - image.width) // 2, (canvas.height - image.height) // 2))
    return canvas


def card_image(path: Path) -> Image.Image:
    return _card_image(str(path), path.stat().st_mtime)
