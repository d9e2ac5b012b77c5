"""Rendering the library: the card grid, one video's page, the thumbnail request form."""

from __future__ import annotations

import streamlit as st

from vtm import service
from vtm.errors import VtmError
from vtm.models import JobKind, JobStatus, Video
from vtm.runtime import Runtime
from vtm.ui.feedback import attempt, show_error

SORTS = {"Newest": "newest", "Oldest": "oldest", "Name": "name", "Duration": "duration"}
COLUMNS = 3


def describe(video: Video) -> str:
    duration = f"{video.duration:.1f} s" if video.duration else "unknown length"
    fps = f"{video.fps:.2f} fps" if video.fps else "fps unknown"
    return f"{video.width}×{video.height} · {duration} · {fps} · {video.codec or '?'}"


def video_grid(rt: Runtime, videos: list[Video]) -> None:
    for start in range(0, len(videos), COLUMNS):
        for column, video in zip(st.columns(COLUMNS), videos[start : start + COLUMNS], strict=False):
            with column.container(border=True):
                poster = service.poster_path(rt, video)
                if poster:
                    st.image(str(poster), width="stretch")
                st.markdown(f"**{_escape(video.filename)}**")
                st.caption(describe(video))
                if st.button("Open", key=f"open_{video.id}", icon=":material/open_in_full:"):
                    st.session_state["library_selected"] = video.id
                    st.rerun()


def empty_library(rt: Runtime, *, searching: bool) -> None:
    if searching:
        st.info("No video matches that name.", icon=":material/search_off:")
        return
    st.info("The library is empty. Upload videos, or add a few generated sample clips to try VTM.", icon=":material/info:")
    if st.button("Add sample videos", type="primary", icon=":material/auto_awesome:", key="add_samples"):
        with st.spinner("Generating sample clips…"):
            added = attempt(lambda: service.add_sample_videos(rt))
        if added:
            st.rerun()


def video_detail(rt: Runtime, video: Video) -> None:
    if st.button("Back to the library", icon=":material/arrow_back:", key="library_back"):
        st.session_state.pop("library_selected", None)
        st.rerun()
    st.subheader(video.filename, anchor=False)
    st.caption(describe(video) + (f" · rotated {video.rotation}°" if video.rotation else ""))
    left, right = st.columns([2, 1])
    with right:
        thumbnail_form(rt, video)
        if st.button("Delete this video", icon=":material/delete:", key="delete_video"):
            attempt(lambda: service.delete_video(rt, video.id))
            st.session_state.pop("library_selected", None)
            st.rerun()
    with left:
        thumbnails(rt, video)


def thumbnail_form(rt: Runtime, video: Video) -> None:
    with st.form("thumbnail_form", border=True):
        st.markdown("**New thumbnail**")
        c1, c2 = st.columns(2)
        width = c1.number_input("Width", min_value=0, max_value=7680, value=320, step=10, help="Empty or 0 keeps the aspect")
        height = c2.number_input("Height", min_value=0, max_value=7680, value=None, step=10, help="Empty or 0 keeps the aspect")
        at = st.text_input("Time", value="0", help="Seconds (12.5), percent (40%) or auto")
        fit = st.radio("Fit", ["cover", "contain", "stretch"], horizontal=True)
        if st.form_submit_button("Request thumbnail", type="primary"):
            try:
                job = service.request_thumbnail(rt, video.id, width or 0, height or 0, at=at, fit=fit)
                st.success(f"Job {job.id} is {job.status}. Watch it on the Jobs page.")
            except VtmError as exc:
                show_error(exc)


def thumbnails(rt: Runtime, video: Video) -> None:
    jobs = service.list_jobs(rt, video_id=video.id, kind=JobKind.THUMBNAIL, limit=None)
    if not jobs:
        st.info("No thumbnails yet: request one on the right.", icon=":material/info:")
        return
    columns = st.columns(3)
    for index, job in enumerate(jobs):
        with columns[index % 3]:
            label = f"{job.width}×{job.height} · at {job.params.get('at')} · {job.params.get('fit')}"
            if job.status is JobStatus.COMPLETED:
                path = attempt(lambda job=job: service.output_file(rt, job))
                if path is not None:
                    st.image(str(path), caption=label)
                    st.download_button("Download", path.read_bytes(), file_name=path.name, key=f"dl_{job.id}")
            else:
                st.caption(f"{label} — {job.status}{': ' + job.error if job.error else ''}")


def _escape(text: str) -> str:
    """Markdown-safe: a name is shown as typed, never as formatting or HTML."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join("\\" + ch if ch in specials else ch for ch in text)
