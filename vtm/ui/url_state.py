"""A page's state kept in its URL's query parameters (`/library?q=cat&sort=name&page=3`,
`/jobs?status=failed&job=12`): reload, a shared link, Back and Forward bring it back.

The URL is the authority. Before a widget is drawn, `bind` copies the parameter into the
widget's state (so Back, which changes the URL, changes the widget); when the person
changes the widget, its `on_change` writes the parameter (`store`). A value equal to the
default is left out of the URL, so a page without choices has a bare address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import streamlit as st


def get(name: str, default: str = "") -> str:
    value = st.query_params.get(name)
    return default if value is None else str(value)


def get_int(name: str, default: int | None = None, low: int = 1) -> int | None:
    """A positive whole number from the URL; `default` when absent or malformed."""
    raw = get(name).strip()
    return int(raw) if raw.isdigit() and int(raw) >= low else default


def put(name: str, value: object, default: object = "", reset: Iterable[str] = ()) -> None:
    """Set (or, at its default, remove) one parameter and drop those in `reset`."""
    change({name: (value, default)}, reset)


def change(values: Mapping[str, tuple[object, object]], reset: Iterable[str] = ()) -> None:
    """Set (or, at its default, remove) each parameter `name: (value, default)` and drop
    those in `reset`, in one change of the URL (one history entry: each change of
    `st.query_params` makes one, so a change of two parameters is made here at once)."""
    params = _params()
    for other in reset:
        params.pop(other, None)
    for name, (value, default) in values.items():
        if value is None or value == default or value == "":
            params.pop(name, None)
        else:
            params[name] = [str(value)]
    if params != _params():
        st.query_params.from_dict(params)


def _params() -> dict[str, list[str]]:
    """The URL's query parameters, each with all its values."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def bind(key: str, value: object) -> None:
    """Show `value` (from the URL) in the widget `key`, unless it already shows it."""
    if key not in st.session_state or st.session_state[key] != value:
        st.session_state[key] = value


def store(key: str, name: str, default: object = "", convert: Callable[[object], object] = lambda v: v,
          reset: Iterable[str] = ()) -> Callable[[], None]:
    """An `on_change` that writes the widget `key`'s value to the parameter `name`, and
    drops the parameters in `reset` (a new search starts at page 1)."""

    def changed() -> None:
        put(name, convert(st.session_state.get(key)), default, reset)

    return changed


def href(path: str) -> str:
    """A link to `path` (absolute, as vtm.urls gives it) within this dashboard: its base path
    (`server.baseUrlPath`) put in front."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return (f"/{base}" if base else "") + "/" + path.lstrip("/")


def with_param(name: str, value: object) -> str:
    """A link to this page with its parameters and `name` set to `value` (`?status=failed&job=12`)."""
    from urllib.parse import urlencode

    params = _params()
    params.pop(name, None)  # last, as the link's own part
    params[name] = [str(value)]
    return "?" + urlencode(params, doseq=True)
