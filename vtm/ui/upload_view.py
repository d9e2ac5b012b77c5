"""What came of each uploaded file: its metadata, or the reason it was refused.

The browser uploads (see `vtm.ui.uploader`); this module turns the per-file answers
into messages. Metadata is read back from the library, not taken from the browser, and
every name or message is escaped so that no file name is ever rendered as markup.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm.errors import VtmError
from vtm.models import Video
from vtm.service import Service
from vtm.ui.format import md


def describe(video: Video) -> str:
    duration = f"{video.duration:.1f} s" if video.duration else "unknown length"
    fps = f"{video.fps:.3g} fps" if video.fps else "unknown fps"
    return f"{duration} · {video.width}×{video.height} · {fps} · {video.codec or 'unknown codec'}"


def show_results(svc: Service, results: list[dict[str, Any]]) -> None:
    for result in results:
        name = md(result.get("name") or "(no name)")
        if result.get("ok") and result.get("id") is not None:
            try:
                video = svc.get_video(int(result["id"]))
            except VtmError as exc:
                st.warning(f"**{name}** was added, then: {md(exc.message)}", icon=":material/warning:")
                continue
            st.success(f"**{md(video.filename)}** added · {md(describe(video))}", icon=":material/check_circle:")
        else:
            error = result.get("error") or {}
            message = error.get("message") or f"the server answered {result.get('status')}."
            st.error(f"**{name}** was not added: {md(message)}", icon=":material/error:")
