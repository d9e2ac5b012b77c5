"""The poster picker on a video's page: a filmstrip of keyframes across the video, then
the exact frames around the one picked and a slider to scrub between them, the smart-crop
box over the frame (what `fit=smart` keeps), the file's cover art when it has one, and
`auto`. The choice goes to `Service.set_poster` (the API's `PUT /api/videos/{id}/poster`).
Nothing is decoded until the picker is opened."""

from __future__ import annotations

import streamlit as st

from vtm.errors import VtmError
from vtm.models import Video
from vtm.service import Service
from vtm.ui import format
from vtm.ui.feedback import show_error

STRIP = 8  # keyframes across the video
FINE = 8  # exact frames around the one picked
FINE_SPAN_S = 2.0
STRIP_WIDTH = 160
VIEW_WIDTH = 640
ASPECTS = {"1:1": (1, 1), "4:5": (4, 5), "9:16": (9, 16), "16:9": (16, 9)}


def render(svc: Service, video: Video) -> None:
    with st.expander("Poster", icon=":material/wallpaper:"):
        st.caption(chosen_text(video))
        left, right = st.columns(2)
        if left.button("Automatic (the best frame)", key=f"poster_auto_{video.id}", icon=":material/auto_awesome:"):
            _set(svc, video, "auto")
        if _has_cover(svc, video.id, video.path) and right.button("Use the cover art", key=f"poster_cover_{video.id}",
                                                                  icon=":material/image:"):
            _set(svc, video, "cover")
        if st.toggle("Choose a frame", key=f"poster_open_{video.id}"):
            picker(svc, video)


def chosen_text(video: Video) -> str:
    if video.poster_pick is None:
        return "The poster is the automatic choice made when the video was added."
    if video.poster_pick == "cover":
        return "The poster is the file's cover art."
    at = f" ({format.md(f'{video.poster_at:.3f}'.rstrip('0').rstrip('.'))} s)" if video.poster_at is not None else ""
    return f"The poster was chosen at {format.md(video.poster_pick)}{at}."


def picker(svc: Service, video: Video) -> None:
    key = f"poster_around_{video.id}"
    st.caption("Keyframes across the video: pick the one nearest to what you want.")
    _strip(_frames(svc, video.id, video.path, STRIP, None), key, "strip")
    around = st.session_state.get(key)
    if around is None:
        return
    st.caption("The exact frames around it:")
    _strip(_frames(svc, video.id, video.path, FINE, around), key, "fine")
    step = 1 / video.fps if video.fps else 0.04
    low = max(0.0, around - FINE_SPAN_S / 2)
    high = max(low + step, min(video.duration or around + FINE_SPAN_S, around + FINE_SPAN_S / 2))
    at = st.slider("Time (seconds)", min_value=float(low), max_value=float(high), value=float(min(max(around, low), high)),
                   step=float(round(step, 4)), key=f"poster_time_{video.id}_{around}", format="%.3f")
    shape = st.segmented_control("Smart-crop box", list(ASPECTS), key=f"poster_crop_{video.id}",
                                 help="What fit=smart (fit_mode=smartcrop) keeps of this frame at that aspect.")
    try:
        if shape:
            jpeg, box = svc.crop_preview(video, at, ASPECTS[shape], VIEW_WIDTH)
            st.image(jpeg, caption=f"{at:.3f} s · smart crop {shape}: x {box[0]}, y {box[1]}, {box[2]}×{box[3]}")
        else:
            ((shown, jpeg),) = _frames(svc, video.id, video.path, 1, at, VIEW_WIDTH)
            st.image(jpeg, caption=f"{shown:.3f} s")
    except VtmError as exc:
        show_error(exc)
    if st.button("Use this frame as the poster", type="primary", key=f"poster_use_{video.id}", icon=":material/check:"):
        _set(svc, video, f"{at:.3f}")


def _strip(frames: list[tuple[float, bytes]], key: str, name: str) -> None:
    """The frames side by side, each with a button that picks its time."""
    for column, (n, (seconds, jpeg)) in zip(st.columns(len(frames) or 1), enumerate(frames), strict=False):
        column.image(jpeg, width="stretch")
        if column.button(f"{seconds:.2f} s", key=f"{key}_{name}_{n}", width="stretch"):
            st.session_state[key] = seconds
            st.rerun()


def _frames(svc: Service, video_id: int, path: str, count: int, around: float | None,
            width: int = STRIP_WIDTH) -> list[tuple[float, bytes]]:
    try:
        return _cached_frames(svc, video_id, path, count, around, width)
    except VtmError as exc:
        show_error(exc)
        return []


@st.cache_data(max_entries=64, ttl=600, show_spinner="Reading frames…")
def _cached_frames(_svc: Service, video_id: int, path: str, count: int, around: float | None,
                   width: int) -> list[tuple[float, bytes]]:
    video = _svc.get_video(video_id)
    return _svc.filmstrip(video, count, width, around, FINE_SPAN_S if count > 1 else 0.0)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _has_cover(_svc: Service, video_id: int, path: str) -> bool:
    return _svc.has_cover_art(_svc.get_video(video_id))


def _set(svc: Service, video: Video, at: str) -> None:
    try:
        with st.spinner("Making the poster…"):
            chosen = svc.set_poster(video.id, at)
    except VtmError as exc:
        show_error(exc)
        return
    st.toast(f"Poster set: {chosen_text(chosen)}", icon=":material/check_circle:")
    st.rerun()
