"""The dashboard's router: page config, navigation and the sidebar."""

import streamlit as st

st.set_page_config(page_title="VTM — Video Thumbnails Maker", page_icon=":material/movie:", layout="wide")

pages = [
    st.Page("pages/upload.py", title="Upload", icon=":material/upload:", url_path="upload", default=True),
    st.Page("pages/library.py", title="Library", icon=":material/video_library:", url_path="library"),
    st.Page("pages/jobs.py", title="Jobs", icon=":material/work_history:", url_path="jobs"),
]
with st.sidebar:
    st.caption("VTM — Video Thumbnails Maker")
st.navigation(pages, position="sidebar").run()
