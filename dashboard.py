"""The dashboard's router: page config, navigation and the sidebar.

The default page (`/`) is a short overview, so that Upload, Library and Jobs each keep
their own URL (`/upload`, `/library`, `/jobs`): Streamlit serves the default page at
`/` whatever its `url_path`.
"""

import streamlit as st

from vtm.ui import sidebar, space_banner, styles
from vtm.ui.feedback import service_ready

st.set_page_config(page_title="VTM", page_icon=str(styles.FAVICON), layout="wide")

pages = [
    st.Page("pages/home.py", title="Overview", icon=":material/space_dashboard:", default=True),
    st.Page("pages/upload.py", title="Upload", icon=":material/upload:", url_path="upload"),
    st.Page("pages/library.py", title="Library", icon=":material/video_library:", url_path="library"),
    st.Page("pages/jobs.py", title="Jobs", icon=":material/work_history:", url_path="jobs"),
    st.Page("pages/insights.py", title="Insights", icon=":material/insights:", url_path="insights"),
    st.Page("pages/duplicates.py", title="Duplicates", icon=":material/content_copy:", url_path="duplicates"),
    st.Page("pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings"),
]
page = st.navigation(pages, position="sidebar")
st.set_page_config(page_title=f"{page.title} · VTM")
sidebar.render()
if service_ready():
    space_banner.render()
    page.run()
