"""A video's ThumbHash placeholder (a ~25-byte blurred picture of its poster, rendered
32 px wide and stretched to the card) where its poster file is not there yet (being
rewritten, a folder restored without it). The Library's card calls `poster_card`."""

from __future__ import annotations

import streamlit as st
from PIL import Image

from vtm.models import Video
from vtm.service import Service
from vtm.ui import posters

CARD = (posters.WIDTH, round(posters.WIDTH / posters.ASPECT))


def poster_card(svc: Service, video: Video, *, alt: str, link: str | None = None) -> None:
    """The poster's card (with its `alt` text and `link`); while its file is not there,
    its ThumbHash placeholder; a poster that cannot be shown says why (as every picture
    of the dashboard does)."""
    path = svc.poster_path(video)
    if path is not None:
        posters.show_card(svc, path, alt=alt, link=link)
        return
    blurred = placeholder_image(svc, video)
    if blurred is not None:
        st.image(blurred, width="stretch", caption="The poster is on its way.", alt=f"{alt} (blurred, on its way)", link=link)


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _png(_svc: Service, video_id: int, thumbhash: str) -> bytes | None:
    return _svc.placeholder_png(_svc.get_video(video_id))


def placeholder_image(svc: Service, video: Video) -> Image.Image | None:
    """The ThumbHash decoded and stretched to the card's size, or None without one."""
    import io

    if not video.thumbhash:
        return None
    data = _png(svc, video.id, video.thumbhash)
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as small:
        small.thumbnail((CARD[0], CARD[1]))
        scale = min(CARD[0] / small.width, CARD[1] / small.height)
        return small.convert("RGB").resize((round(small.width * scale), round(small.height * scale)), Image.Resampling.BILINEAR)
