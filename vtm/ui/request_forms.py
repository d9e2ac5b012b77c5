"""The form that requests an output of a video, drawn from its kind's options: each
field's label, help, bounds and choices come from `vtm.kinds` (the same declaration the
API and the CLI use); `vtm.service` checks what was sent (its message is shown as is)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm.errors import VtmError
from vtm.kinds import Kind
from vtm.kinds.options import Options
from vtm.models import Video
from vtm.service import Service
from vtm.ui.feedback import show_error


def request_form(svc: Service, video: Video, kind: Kind) -> None:
    with st.form(f"request_{kind.name}", border=True):
        options = inputs(kind.options, video, kind.form)
        submitted = st.form_submit_button(kind.request_label, type="primary", icon=":material/add_photo_alternate:",
                                          width="stretch")
    if submitted:
        try:
            job, created = svc.request_output(video.id, kind.name, options)
        except VtmError as exc:
            show_error(exc)
            return
        if created:
            st.success(f"Job {job.id} is queued. It shows on the left, and live on the Jobs page.", icon=":material/schedule:")
        else:
            st.info(f"Asked before: job {job.id} is {job.status}.", icon=":material/info:")


def inputs(options: type[Options], video: Video, rows: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """One widget per field on the form, row by row; returns the request's options."""
    values: dict[str, Any] = {}
    start = {**options.defaults(), **options.suggestions(video)}
    for row in rows:
        cells = st.columns(len(row)) if len(row) > 1 else [st.container()]
        for cell, name in zip(cells, row, strict=True):
            with cell:
                values[name] = widget(options, name, start[name])
    return values


def widget(options: type[Options], name: str, value: Any) -> Any:
    spec, kind = options.spec(name), options.types()[name]
    if spec.choices:
        return st.segmented_control(spec.label, list(spec.choices), default=value, help=spec.help or None)
    if kind in (int, float):
        low, high = spec.low, spec.high
        number = kind if value is None else type(value)
        return st.number_input(spec.label, min_value=_as(kind, low), max_value=_as(kind, high), value=_as(number, value),
                               step=_as(kind, spec.step) or (1 if kind is int else None), placeholder=spec.placeholder or None,
                               help=spec.help or None)
    if kind is bool:
        return st.checkbox(spec.label, value=bool(value), help=spec.help or None)
    return st.text_input(spec.label, value=str(value), placeholder=spec.placeholder or None, help=spec.help or None)


def _as(kind: type, value: Any) -> Any:
    return None if value is None else kind(value)
