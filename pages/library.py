"""Library: every video as a card; open one to see and request its thumbnails."""

import streamlit as st

from vtm import runtime, service
from vtm.ui import library_view
from vtm.ui.feedback import attempt

rt = runtime.current()
st.title("Library")
selected = st.session_state.get("library_selected")
if selected is not None:
    video = attempt(lambda: service.get_video(rt, selected))
    if video is None:
        st.session_state.pop("library_selected", None)
    else:
        library_view.video_detail(rt, video)
        st.stop()

search_col, sort_col = st.columns([3, 1])
search = search_col.text_input("Search by name", key="library_search", placeholder="e.g. holiday")
sort = sort_col.selectbox("Sort by", list(library_view.SORTS), key="library_sort")
videos = service.list_videos(rt, search=search, sort=library_view.SORTS[sort])
if not videos:
    library_view.empty_library(rt, searching=bool(search))
else:
    library_view.video_grid(rt, videos)
