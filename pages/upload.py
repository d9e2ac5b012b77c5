"""Upload: add videos to the library."""

import streamlit as st

from vtm import runtime
from vtm.files import VIDEO_EXTENSIONS
from vtm.ui import upload_view

rt = runtime.current()
st.title("Upload videos")
st.caption(f"{', '.join(e.lstrip('.') for e in VIDEO_EXTENSIONS)} · up to {rt.settings.max_upload_mb} MB each")
files = st.file_uploader(
    "Drop videos here", type=[e.lstrip(".") for e in VIDEO_EXTENSIONS], accept_multiple_files=True, key="upload_files"
)
if files and st.button("Add to library", type="primary", icon=":material/upload:", key="upload_go"):
    upload_view.add_uploaded(rt, files)
upload_view.show_results()
