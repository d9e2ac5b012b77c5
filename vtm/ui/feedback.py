"""Turning VTM errors into messages on the page: the one place that maps them for the UI."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from vtm.errors import Conflict, NotFound, VtmError
from vtm.service import current
from vtm.ui.format import md

log = logging.getLogger(__name__)
T = TypeVar("T")


def show_error(exc: VtmError) -> None:
    """The message as plain text: it often quotes what the user typed or the URL held."""
    if isinstance(exc, (Conflict, NotFound)):
        st.warning(md(exc.message), icon=":material/warning:")
    else:
        st.error(md(exc.message), icon=":material/error:")


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a VTM error as a message instead of a traceback."""
    try:
        yield
    except VtmError as exc:
        show_error(exc)


def attempt(action: Callable[[], T]) -> T | None:
    try:
        return action()
    except VtmError as exc:
        show_error(exc)
        return None


def flash(key: str) -> None:
    """The message an action left in the session under `key`, shown once, in a slot that is
    on the page without a message too. So the run after it draws everything below where it
    was: one place up, each element's copy from the run before stayed beside it, faded,
    until the run ended (the toolbar and the cards, or the tabs, twice for a moment)."""
    message = st.session_state.pop(key, None)
    slot = st.empty()
    if message:
        slot.success(message, icon=":material/check_circle:")


def service_ready() -> bool:
    """False, with one line on the page, when the dashboard runs without VTM's lifespan
    (`streamlit run dashboard.py` instead of `streamlit run app.py`)."""
    try:
        current()
    except RuntimeError as exc:
        st.error(md(str(exc)), icon=":material/power_off:")
        return False
    return True
