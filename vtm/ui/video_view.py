"""One video's page in the library: its facts, the player with its poster (and why
`auto` chose that frame), a tab per output kind (what was made, live while jobs run, and
the form that asks for more), and delete with confirmation."""

from __future__ import annotations

import streamlit as st

from vtm import kinds
from vtm.models import Job, JobKind, JobStatus, Video
from vtm.service import Service
from vtm.ui import format, jobs_view, library_view, options_text, outputs_view, player_view, poster_picker, request_forms
from vtm.ui.feedback import attempt

THUMB_COLUMNS = 2


def render(svc: Service, video: Video) -> None:
    library_view.back_button()
    head, actions = st.columns([5, 1], vertical_alignment="bottom")
    head.header(format.md(video.filename), anchor=False)
    head.caption(f"{format.video_facts(video)} · added {format.ago(video.created_at)}")
    notice = st.empty()  # there with no warning too: the player and tabs keep their place when the file comes back
    if video.missing:
        notice.warning(f"The file {format.md(video.path)} is missing: it was moved out of its watched folder or deleted. "
                       "Its pictures are kept; new ones can be made once it is back.", icon=":material/warning:")
    with actions.popover("Delete", icon=":material/delete:", width="stretch"):
        delete_form(svc, video)
    player, side = st.columns([3, 2], gap="large")
    with player:
        player_view.render(svc, video)
    with side:
        player_view.poster(svc, video)
    poster_picker.render(svc, video)
    # Tab names are words only (an icon's ligature would be read out); the open tab is in the URL
    # (`?video=3&tab=Storyboard`): a reload or a shared link shows it.
    tabs = st.tabs([k.title for k in kinds.OUTPUT_KINDS], key="tab", bind="query-params")
    for kind, tab in zip(kinds.OUTPUT_KINDS, tabs, strict=True):
        with tab:
            form_col, output_col = st.columns([2, 3], gap="large")
            with form_col:
                request_forms.request_form(svc, video, kind)
            with output_col:
                live_outputs(svc, video, kind.name)


def delete_form(svc: Service, video: Video) -> None:
    st.markdown(f"Delete **{format.md(video.filename)}** with all its pictures and jobs? This cannot be undone.")
    # The danger colour (the theme's red, vtm/ui/styles.py): not the blue of harmless buttons.
    if st.button("Delete for good", type="primary", icon=":material/delete_forever:", key="delete_video",
                 help="Removes the video, its pictures and jobs"):
        if attempt(lambda: svc.delete_video(video.id)) is not None:
            library_view.close_video(f"Deleted {format.md(video.filename)}.")
            st.rerun()


def live_outputs(svc: Service, video: Video, kind: JobKind) -> None:
    """The outputs of one kind. Jobs still queued or running show in a fragment refreshed
    every second (one full rerun when one of them finishes, so it moves down and the page
    stops polling once none is left); finished ones are drawn outside it. A download
    button gets a new file id on every rerun and a click holding the old one is refused,
    so a button must not sit in a part of the page that reruns every second."""
    jobs = svc.list_jobs(video_id=video.id, kind=kind, limit=None)
    if not jobs:
        st.caption(f"No {kinds.get(kind).title.lower()} yet: ask for one with the form.")
        return
    pending = tuple(job.id for job in jobs if not job.status.finished)
    if pending:
        st.fragment(run_every="1s")(_pending_outputs)(svc, video, kind, pending)
    _cards(svc, kind, [job for job in jobs if job.status.finished])


def _pending_outputs(svc: Service, video: Video, kind: JobKind, pending: tuple[int, ...]) -> None:
    jobs = [job for job in svc.list_jobs(video_id=video.id, kind=kind, limit=None) if job.id in pending]
    if len(jobs) < len(pending) or any(job.status.finished for job in jobs):
        st.rerun()  # one finished (or was deleted): the whole tab, to draw it with the finished ones
    _cards(svc, kind, jobs)


def _cards(svc: Service, kind: JobKind, jobs: list[Job]) -> None:
    if not jobs:
        return
    if kinds.get(kind).single_file:  # small pictures: two to a row
        cells = st.columns(THUMB_COLUMNS)
        for index, job in enumerate(jobs):
            with cells[index % THUMB_COLUMNS], st.container(border=True):
                output_card(svc, job, compact=True)
    else:
        for job in jobs:
            with st.container(border=True):
                output_card(svc, job)


def output_card(svc: Service, job: Job, *, compact: bool = False) -> None:
    st.caption(f"{jobs_view.STATUS_ICONS[job.status]} Job {job.id} · {format.md(options_text.described(job))}")
    if job.status is JobStatus.COMPLETED:
        outputs_view.show(svc, job, compact=compact)
    elif job.status is JobStatus.FAILED:
        st.error(format.md(job.error or "Failed."), icon=":material/error:")
        if st.button("Retry", key=f"lib_retry_{job.id}", icon=":material/refresh:"):
            attempt(lambda: svc.retry_job(job.id))
            st.rerun()
    else:
        st.progress(job.progress, text=f"{job.status.value.title()}… {job.progress:.0%}")
