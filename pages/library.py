"""Library: the videos as cards, a page at a time (search, sort and page in the URL);
`?video=ID` opens one (a link you can share) with its outputs and the forms that request more."""

import functools

import streamlit as st

from vtm.service import current
from vtm.ui import library_view, pager, video_view
from vtm.ui.feedback import attempt, flash

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
    flash(library_view.FLASH)
    search, sort = library_view.toolbar()
    page = pager.page_number()
    shown = svc.video_page(search=search, sort=sort, page=page, per_page=library_view.PER_PAGE)
    if shown.videos:
        library_view.video_grid(svc, shown, page)
    elif shown.total:  # a page past the end (an old link): the last one
        library_view.last_page(shown.total)
    else:
        library_view.empty_library(svc, searching=bool(search))
