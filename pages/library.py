"""Library: every video as a card; `?video=ID` opens one (a link you can share) with its
outputs and the forms that request more."""

import functools

import streamlit as st

from vtm.service import current
from vtm.ui import library_view, video_view
from vtm.ui.feedback import attempt

svc = current()
video_id = library_view.selected_id()
if video_id is not None:
    video = attempt(functools.partial(svc.get_video, video_id))
    if video is None:
        library_view.back_button()
    else:
        video_view.render(svc, video)
elif not library_view.bad_link():
    st.title("Library", anchor=False)
    library_view.flash()
    search, sort = library_view.toolbar()
    videos = svc.list_videos(search=search, sort=sort)
    if videos:
        library_view.video_grid(svc, videos)
    else:
        library_view.empty_library(svc, searching=bool(search))
