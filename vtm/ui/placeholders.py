"""A video's ThumbHash placeholder: a ~25-byte blurred picture of its poster, decoded to a
small PNG (32 px on its long side) that the Library's card (vtm/ui/card_grid.py) stretches
to the card's size while the poster file is not there (being rewritten, a folder
restored without it)."""

from __future__ import annotations

import streamlit as st

from vtm.models import Video
from vtm.service import Service


def placeholder_png(svc: Service, video: Video) -> bytes | None:
    """The ThumbHash decoded as a small PNG, or None without one."""
    if not video.thumbhash:
        return None
    return _png(svc, video.id, video.thumbhash)


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _png(_svc: Service, video_id: int, thumbhash: str) -> bytes | None:
    return _svc.placeholder_png(_svc.get_video(video_id))
