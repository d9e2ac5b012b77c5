"""Upload: add videos to the library, streamed by the browser to POST /api/videos."""

import streamlit as st

from vtm import urls
from vtm.service import current
from vtm.ui import upload_view, url_state
from vtm.ui.uploader import uploader

svc = current()
st.title("Upload videos")
limit = f"up to {svc.settings.max_upload_mb} MB each"
extensions = svc.accepted_extensions
results = uploader(
    url=url_state.href(urls.videos()),
    ticket=svc.upload_ticket(),
    max_bytes=svc.settings.max_upload_bytes,
    accept=",".join(extensions),
    hint=f"{', '.join(e.lstrip('.') for e in extensions)} · {limit} · several at once",
)
upload_view.show_results(svc, results)
