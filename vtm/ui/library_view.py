"""The library's list: search and sort, the card grid a page at a time, the empty state,
and which video is open (the `?video=ID` query parameter, so a video's page is a link).
Search, sort and page are in the URL too (`?q=cat&sort=name&page=3`)."""

from __future__ import annotations

import streamlit as st

from vtm import urls
from vtm.errors import NotFound
from vtm.models import VideoPage
from vtm.service import Service
from vtm.ui import card_grid, pager, url_state
from vtm.ui.feedback import attempt, show_error

SORTS = {"Newest first": "newest", "Oldest first": "oldest", "Name": "name", "Longest first": "duration"}
PER_PAGE = 24  # six rows of four: what a screen shows, whatever the library's size
PARAM = "video"
FLASH = "library_flash"


def selected_id() -> int | None:
    """The open video's id from the URL (None when absent or malformed)."""
    raw = st.query_params.get(PARAM)
    return int(raw) if raw is not None and raw.strip().isdigit() else None


def bad_link() -> bool:
    """A `?video=` that is not an id: say so, offer the way back."""
    raw = st.query_params.get(PARAM)
    if raw is None:
        return False
    show_error(NotFound(f"{raw!r} is not a video id; pick a video in the library."))
    back_button()
    return True


def close_video(message: str | None = None) -> None:
    st.query_params.pop(PARAM, None)
    if message:
        st.session_state[FLASH] = message


def back_button() -> None:
    st.button("Back to the library", icon=":material/arrow_back:", key="library_back", on_click=close_video, type="tertiary")


def toolbar() -> tuple[str, str]:
    """The search box and the sort, from and to the URL (`q`, `sort`); a change goes back to page 1."""
    names = {value: label for label, value in SORTS.items()}
    url_state.bind("library_search", url_state.get("q"))
    url_state.bind("library_sort", names.get(url_state.get("sort", "newest"), "Newest first"))
    search_col, sort_col = st.columns([3, 1], vertical_alignment="bottom")
    search = search_col.text_input("Search by name", key="library_search", placeholder="Search by name",
                                   label_visibility="collapsed", icon=":material/search:",
                                   on_change=url_state.store("library_search", "q", reset=["page"]))
    sort = sort_col.selectbox("Sort by", list(SORTS), key="library_sort", label_visibility="collapsed",
                              on_change=url_state.store("library_sort", "sort", "newest", lambda v: SORTS.get(str(v)),
                                                        reset=["page"]))
    return search, SORTS[sort]


def video_grid(svc: Service, shown: VideoPage, page: int) -> None:
    first = (page - 1) * PER_PAGE + 1
    last = first + len(shown.videos) - 1
    st.caption(f"{first:,}–{last:,} of {shown.total:,} video{'s' if shown.total != 1 else ''}")
    card_grid.show(card_grid.Card(video, video_href(video.id), card_grid.card_picture(svc, video)) for video in shown.videos)
    pager.pager("library", page, pager.pages_of(shown.total, PER_PAGE))


def video_href(video_id: int) -> str:
    """The link to a video's page (the dashboard's base path included)."""
    return url_state.href(urls.video_page(video_id))


def empty_library(svc: Service, *, searching: bool) -> None:
    if searching:
        st.info("No video name contains that text.", icon=":material/search_off:")
        return
    with st.container(border=True):
        st.markdown("#### The library is empty")
        st.write("Upload your videos, or add three generated sample clips (a moving test pattern, a portrait "
                 "phone video and one with a black intro) to try VTM right away.")
        left, right = st.columns(2, vertical_alignment="center")
        left.page_link("pages/upload.py", label="Upload videos", icon=":material/upload:", width="stretch")
        if right.button("Add sample videos", type="primary", icon=":material/auto_awesome:", key="add_samples",
                        width="stretch"):
            with st.spinner("Making sample clips…"):
                added = attempt(lambda: svc.add_sample_videos())
            if added is not None:
                st.session_state[FLASH] = f"Added {len(added)} sample video{'s' if len(added) != 1 else ''}."
                st.rerun()


def last_page(total: int) -> None:
    """A `?page=` past the end: go to the last page."""
    url_state.put("page", pager.pages_of(total, PER_PAGE), 1)
    st.rerun()
