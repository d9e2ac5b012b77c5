"""Library: every video as a card; `?video=ID` opens one (a link you can share) with its
outputs and the forms that request more."""

import streamlit as st

from vtm import runtime, service
from vtm.ui import library_view, video_view
from vtm.ui.feedback import attempt

rt = runtime.current()
video_id = library_view.selected_id()
if video_id is not None:
    video = attempt(lambda: service.get_video(rt, video_id))
    if video is None:
        library_view.back_button()
    else:
        video_view.render(rt, video)
elif not library_view.bad_link():
    st.title("Library", anchor=False)
    library_view.flash()
    search, sort = library_view.toolbar()
    videos = service.list_videos(rt, search=search, sort=sort)
    if videos:
        library_view.video_grid(rt, videos)
    else:
        library_view.empty_library(rt, searching=bool(search))
