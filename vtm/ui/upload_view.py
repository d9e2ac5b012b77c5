"""Adding files from Streamlit's uploader, and showing what came of each."""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm import service
from vtm.errors import VtmError
from vtm.files import Receiver
from vtm.runtime import Runtime

RESULTS_KEY = "upload_results"


def add_uploaded(rt: Runtime, files: list[Any]) -> None:
    results: list[dict[str, Any]] = []
    progress = st.progress(0.0, text="Checking videos…")
    for index, uploaded in enumerate(files):
        receiver = Receiver(rt.data.tmp, rt.settings.max_upload_bytes)
        try:
            while chunk := uploaded.read(1024 * 1024):
                receiver.write(chunk)
            video = service.add_video(rt, receiver.finish(), uploaded.name)
            results.append({"ok": True, "name": video.filename, "video": video})
        except VtmError as exc:
            receiver.discard()
            results.append({"ok": False, "name": uploaded.name, "message": exc.message})
        progress.progress((index + 1) / len(files), text=f"{index + 1} of {len(files)} checked")
    progress.empty()
    st.session_state[RESULTS_KEY] = results


def show_results() -> None:
    for result in st.session_state.get(RESULTS_KEY, []):
        if result["ok"]:
            v = result["video"]
            duration = f"{v.duration:.1f} s" if v.duration else "unknown length"
            fps = f"{v.fps:.2f} fps" if v.fps else "unknown fps"
            st.success(f"**{v.filename}** added · {duration} · {v.width}×{v.height} · {fps} · {v.codec}", icon=":material/check_circle:")
        else:
            st.error(f"**{result['name']}** was not added: {result['message']}", icon=":material/error:")
