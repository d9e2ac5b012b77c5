"""Upload: add videos to the library, streamed by the browser to POST /api/videos."""

import streamlit as st

from vtm import runtime, tickets
from vtm.files import VIDEO_EXTENSIONS
from vtm.ui import upload_view
from vtm.ui.uploader import uploader

rt = runtime.current()
st.title("Upload videos")
base = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
limit = f"up to {rt.settings.max_upload_mb} MB each"
results = uploader(
    url=base.rstrip("/") + "/api/videos",
    ticket=tickets.mint(rt.settings.api_token) if rt.settings.api_token else "",
    max_bytes=rt.settings.max_upload_bytes,
    accept=",".join(VIDEO_EXTENSIONS),
    hint=f"{', '.join(e.lstrip('.') for e in VIDEO_EXTENSIONS)} · {limit} · several at once",
)
upload_view.show_results(rt, results)
