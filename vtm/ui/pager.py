"""The page of a long list (`st.pagination`: numbered pages, previous and next), kept in
the URL as `page` (each change is a history entry: Back returns to the page before)."""

from __future__ import annotations

import streamlit as st

from vtm.ui import url_state


def page_number() -> int:
    """The page the URL asks for (1 when it asks for none, or for nonsense)."""
    return url_state.get_int("page", 1) or 1


def pages_of(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def pager(prefix: str, page: int, pages: int) -> None:
    """The page numbers, in a slot that is on the page with one page too (empty, it takes no
    room): what follows the list keeps its place when a run adds or drops the numbers (one
    place away, the last run's copy stayed beside it until the run ended: the Jobs page's
    open job was drawn twice)."""
    slot = st.empty()
    if pages <= 1:
        return
    key = f"{prefix}_page"
    url_state.bind(key, min(page, pages))
    slot.pagination(pages, key=key, on_change=url_state.store(key, "page", 1), max_visible_pages=9)
