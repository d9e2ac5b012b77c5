"""The Duplicates page: pairs of videos that share footage, each with both posters, the
similarity and where the shared footage is in each, linking to both videos."""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm.errors import NotFound
from vtm.models import Video
from vtm.service import Service
from vtm.ui import format, library_view, posters

LIMIT = 100


def controls() -> float:
    return st.slider("Least similarity", 0, 100, 50, step=5, format="%d %%", key="duplicates_min") / 100


def backlog(svc: Service) -> None:
    """A line while videos wait for their fingerprints, in a slot that stays when the wait
    ends: the controls and pairs below keep their place (feedback.flash says why)."""
    waiting = svc.fingerprint_backlog()
    slot = st.empty()
    if not svc.settings.duplicates:
        slot.info("The duplicate finder is off (VTM_DUPLICATES=0).", icon=":material/info:")
    elif waiting:
        slot.caption(f"{waiting} video{'s' if waiting != 1 else ''} still being fingerprinted; their pairs appear when done.")


def pairs(svc: Service, found: list[dict[str, Any]]) -> None:
    if not found:
        st.info("No two videos share footage at this similarity.", icon=":material/done_all:")
        return
    st.caption(f"{len(found)} pair{'s' if len(found) != 1 else ''}" + (f", the first {LIMIT} shown" if len(found) > LIMIT else ""))
    videos: dict[int, Video | None] = {}  # each video read once, however many pairs it is in
    for pair in found[:LIMIT]:
        a, b = (_video(svc, videos, pair[side]) for side in ("video_a", "video_b"))
        if a is None or b is None:
            continue  # deleted since the list was read
        with st.container(border=True):
            pair_card(svc, pair, a, b)


def _video(svc: Service, videos: dict[int, Video | None], video_id: int) -> Video | None:
    if video_id not in videos:
        try:
            videos[video_id] = svc.get_video(video_id)
        except NotFound:
            videos[video_id] = None
    return videos[video_id]


def pair_card(svc: Service, pair: dict[str, Any], a: Video, b: Video) -> None:
    mirrored = " · mirrored" if pair.get("mirrored") else ""
    st.markdown(f"**{pair['similarity']:.0%} similar**{mirrored}")
    for column, video, side in zip(st.columns(2), (a, b), ("a", "b"), strict=True):
        with column:
            poster = svc.poster_path(video)
            if poster:
                posters.show_card(svc, poster, alt=f"Poster of {video.filename}", link=library_view.video_href(video.id))
            st.page_link("pages/library.py", label=format.md(video.filename), icon=":material/movie:",
                         query_params={"video": str(video.id)})
            spans = [f"{format.clock(r[f'{side}_start'])}–{format.clock(r[f'{side}_end'])}" for r in pair["ranges"]]
            st.caption("shared: " + ", ".join(spans) + (" · file missing" if video.missing else ""))
