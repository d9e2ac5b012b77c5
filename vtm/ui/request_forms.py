"""The form that requests an output of a video, drawn from its kind's options: each
field's label, help, bounds and choices come from `vtm.kinds` (the same declaration the
API and the CLI use).

The widgets take any value (no bounds in the widget: an out-of-range number would make
the browser refuse it and the button do nothing); on submit, each field is checked by
the kind and every invalid field says why right under it, in the form's own words
("Columns 50: it must be between 1 and 12."); rules across fields (a size limit, a time
past the end) are said under the field they are about, or under the button.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm.errors import InvalidInput, VtmError
from vtm.kinds import Kind
from vtm.kinds.options import Options
from vtm.models import Video
from vtm.service import Service
from vtm.ui.feedback import show_error
from vtm.ui.format import md


def request_form(svc: Service, video: Video, kind: Kind) -> None:
    slots: dict[str, Any] = {}
    with st.form(f"request_{kind.name}", border=True):
        options = inputs(kind.options, video, kind.form, slots)
        submitted = st.form_submit_button(kind.request_label, type="primary", icon=":material/add_photo_alternate:",
                                          width="stretch")
    if not submitted:
        return
    problems = field_problems(kind.options, options)
    for name, message in problems.items():
        slots[name].error(md(message), icon=":material/error:")
    if problems:
        st.error("Fix the field" + ("s" if len(problems) > 1 else "") + " marked above.", icon=":material/error:")
        return
    try:
        job, created = svc.request_output(video.id, kind.name, options)
    except InvalidInput as exc:
        if exc.field in slots:
            slots[exc.field].error(md(in_form_words(kind.options, exc.field, exc.message)), icon=":material/error:")
        else:
            show_error(exc)
        return
    except VtmError as exc:
        show_error(exc)
        return
    if created:
        st.success(f"Job {job.id} is queued. It shows on the left, and live on the Jobs page.", icon=":material/schedule:")
    else:
        st.info(f"Asked before: job {job.id} is {job.status}.", icon=":material/info:")


def field_problems(options: type[Options], values: dict[str, Any]) -> dict[str, str]:
    """Each field whose value the kind refuses, with why, in the form's words."""
    problems = {}
    for name, value in values.items():
        try:
            options.parse_value(name, value)
        except InvalidInput as exc:
            problems[name] = in_form_words(options, name, exc.message)
    return problems


def in_form_words(options: type[Options], name: str, message: str) -> str:
    """`columns=50: it must be between 1 and 12.` as `Columns 50: it must be between 1 and 12.`:
    the field's label, never the API's name."""
    label = options.spec(name).label
    prefix = f"{name}="
    if message.startswith(prefix):
        return label + " " + message[len(prefix):]
    return f"{label}: {message}"


def inputs(options: type[Options], video: Video, rows: tuple[tuple[str, ...], ...], slots: dict[str, Any]) -> dict[str, Any]:
    """One widget per field on the form, row by row, each with a slot under it for its
    error; returns the request's options."""
    values: dict[str, Any] = {}
    start = {**options.defaults(), **options.suggestions(video)}
    for row in rows:
        cells = st.columns(len(row)) if len(row) > 1 else [st.container()]
        for cell, name in zip(cells, row, strict=True):
            with cell:
                values[name] = widget(options, name, start[name])
                slots[name] = st.empty()
    return values


def widget(options: type[Options], name: str, value: Any) -> Any:
    spec, kind = options.spec(name), options.types()[name]
    if spec.choices:
        return st.segmented_control(spec.label, list(spec.choices), default=value, help=spec.help or None)
    if kind in (int, float):
        number = kind if value is None else type(value)
        bounds = f" From {_shown(spec.low)} to {_shown(spec.high)}." if spec.low is not None and spec.high is not None else ""
        return st.number_input(spec.label, value=_as(number, value), step=_as(kind, spec.step) or (1 if kind is int else None),
                               placeholder=spec.placeholder or None, help=(spec.help + bounds).strip() or None)
    if kind is bool:
        return st.checkbox(spec.label, value=bool(value), help=spec.help or None)
    return st.text_input(spec.label, value=str(value), placeholder=spec.placeholder or None, help=spec.help or None)


def _as(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
