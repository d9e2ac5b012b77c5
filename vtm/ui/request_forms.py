"""The forms that request an output of a video, one per job kind. Each draws its inputs
and returns the options; `vtm.service` validates them (its message is shown as is)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from vtm import service
from vtm.errors import VtmError
from vtm.models import JobKind, Video
from vtm.output_limits import MAX_SIDE
from vtm.runtime import Runtime
from vtm.ui.feedback import show_error

Inputs = Callable[[Video], dict[str, Any]]


def thumbnail_inputs(video: Video) -> dict[str, Any]:
    left, right = st.columns(2)
    width = left.number_input("Width", min_value=0, max_value=MAX_SIDE, value=320, step=16, placeholder="keep aspect",
                              help="Pixels. Leave empty (or 0) to follow the height and keep the aspect ratio.")
    height = right.number_input("Height", min_value=0, max_value=MAX_SIDE, value=None, step=16, placeholder="keep aspect",
                                help="Pixels. Leave empty (or 0) to follow the width and keep the aspect ratio.")
    at = st.text_input("Time", value="auto", placeholder="auto, 12.5 or 40%",
                       help="`auto` picks a sharp, non-black frame; or seconds (`12.5`); or a percentage (`40%`).")
    fit = st.segmented_control("Fit", ["cover", "contain", "stretch"], default="cover",
                               help="cover fills and crops the centre; contain letterboxes; stretch distorts.")
    fmt = st.segmented_control("Format", ["jpg", "png", "webp"], default="jpg")
    return {"width": width or 0, "height": height or 0, "at": at, "fit": fit or "cover", "format": fmt or "jpg"}


def sheet_inputs(video: Video) -> dict[str, Any]:
    c1, c2, c3 = st.columns(3)
    columns = c1.number_input("Columns", min_value=1, max_value=12, value=4)
    rows = c2.number_input("Rows", min_value=1, max_value=20, value=4)
    width = c3.number_input("Tile width", min_value=32, max_value=1280, value=320, step=16)
    return {"columns": columns, "rows": rows, "width": width}


def storyboard_inputs(video: Video) -> dict[str, Any]:
    left, right = st.columns(2)
    every = left.number_input("Every (seconds)", min_value=0.1, max_value=3600.0, value=default_every(video), step=0.5,
                              help="Players show these tiles while you scrub.")
    width = right.number_input("Tile width", min_value=32, max_value=640, value=160, step=16)
    return {"every": every, "width": width}


def preview_inputs(video: Video) -> dict[str, Any]:
    c1, c2, c3 = st.columns(3)
    moments = c1.number_input("Moments", min_value=1, max_value=12, value=4, help="Short clips spread over the video.")
    seconds = c2.number_input("Seconds", min_value=0.2, max_value=10.0, value=1.2, step=0.2, help="Length of each moment.")
    width = c3.number_input("Width", min_value=32, max_value=960, value=320, step=16)
    return {"moments": moments, "seconds": seconds, "width": width}


def scenes_inputs(video: Video) -> dict[str, Any]:
    left, right = st.columns(2)
    threshold = left.number_input("Sensitivity", min_value=1.1, max_value=50.0, value=3.0, step=0.5,
                                  help="A frame this many times more different than its neighbours starts a scene. Lower finds more cuts.")
    min_scene = right.number_input("Shortest scene (s)", min_value=0.0, max_value=600.0, value=0.5, step=0.5)
    return {"threshold": threshold, "min_scene": min_scene}


FORMS: dict[JobKind, tuple[str, Inputs]] = {
    JobKind.THUMBNAIL: ("Request thumbnail", thumbnail_inputs),
    JobKind.SHEET: ("Request contact sheet", sheet_inputs),
    JobKind.STORYBOARD: ("Request storyboard", storyboard_inputs),
    JobKind.PREVIEW: ("Request animated preview", preview_inputs),
    JobKind.SCENES: ("Find scenes", scenes_inputs),
}


def default_every(video: Video) -> float:
    """About 40 tiles over the video, between 0.5 and 10 s apart."""
    if not video.duration:
        return 10.0
    return float(min(10.0, max(0.5, round(video.duration / 40 * 2) / 2)))


def request_form(rt: Runtime, video: Video, kind: JobKind) -> None:
    label, inputs = FORMS[kind]
    with st.form(f"request_{kind}", border=True):
        options = inputs(video)
        submitted = st.form_submit_button(label, type="primary", icon=":material/add_photo_alternate:", width="stretch")
    if submitted:
        try:
            job, created = service.request_output(rt, video.id, kind, options)
        except VtmError as exc:
            show_error(exc)
            return
        if created:
            st.success(f"Job {job.id} is queued. It shows on the left, and live on the Jobs page.", icon=":material/schedule:")
        else:
            st.info(f"Asked before: job {job.id} is {job.status}.", icon=":material/info:")
