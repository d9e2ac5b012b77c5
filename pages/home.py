"""Overview: what VTM holds and does right now, and where to go next."""

import streamlit as st

from vtm.service import current
from vtm.ui import home_view

svc = current()
st.title("Video Thumbnails Maker", anchor=False)
st.caption("Drop videos in, ask for thumbnails, contact sheets, storyboards, previews and scene lists, "
           "and watch the queue work through them live.")
home_view.summary(svc)
home_view.shortcuts()
home_view.recent_pictures(svc)
