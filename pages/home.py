"""Overview: what VTM holds and does right now, and where to go next."""

import streamlit as st

from vtm import runtime
from vtm.ui import home_view

rt = runtime.current()
st.title("Video Thumbnails Maker", anchor=False)
st.caption("Drop videos in, ask for thumbnails, contact sheets, storyboards, previews and scene lists, "
           "and watch the queue work through them live.")
home_view.summary(rt)
home_view.shortcuts()
home_view.recent_pictures(rt)
