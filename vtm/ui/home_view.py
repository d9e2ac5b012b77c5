"""The overview page: counts, shortcuts to the three screens, the latest pictures."""

from __future__ import annotations

import functools

import streamlit as st

from vtm.models import JobKind, JobStatus
from vtm.service import Service
from vtm.ui import format, library_view, posters
from vtm.ui.feedback import attempt

RECENT = 6


def summary(svc: Service) -> None:
    videos = svc.video_page(per_page=1).total  # counted in the database, not loaded (100,000 videos)
    counts = svc.job_counts()
    cells = st.container(key="counts").columns(4)  # two by two on a phone (vtm/ui/styles.py)
    cells[0].metric("Videos", videos, border=True)
    cells[1].metric("Pictures made", counts.get(JobStatus.COMPLETED, 0), border=True)
    cells[2].metric("In the queue", counts.get(JobStatus.QUEUED, 0) + counts.get(JobStatus.RUNNING, 0), border=True)
    cells[3].metric("Failed", counts.get(JobStatus.FAILED, 0), border=True)


def shortcuts() -> None:
    cells = st.columns(3)
    links = [
        ("pages/upload.py", "Upload videos", ":material/upload:", "mp4, mov, mkv, webm, avi, m4v, mpeg, ts — several at once."),
        ("pages/library.py", "Open the library", ":material/video_library:", "Browse videos and request thumbnails and more."),
        ("pages/jobs.py", "Watch the jobs", ":material/work_history:", "The live queue: progress, errors, retries, downloads."),
    ]
    for cell, (page, label, icon, text) in zip(cells, links, strict=True):
        with cell.container(border=True):
            st.page_link(page, label=label, icon=icon)
            st.caption(text)


def recent_pictures(svc: Service) -> None:
    jobs = svc.list_jobs(status=JobStatus.COMPLETED, kind=JobKind.THUMBNAIL, limit=RECENT)
    if not jobs:
        return
    st.subheader("Latest thumbnails", anchor=False)
    cells = st.columns(RECENT)
    for cell, job in zip(cells, jobs, strict=False):
        path = attempt(functools.partial(svc.output_file, job))
        if path is not None:
            caption = f"{format.md(job.video_filename or '')} · {job.width}×{job.height}"
            with cell:
                posters.show_card(svc, path, caption, alt=f"Thumbnail of {job.video_filename or 'a video'}",
                                  link=library_view.video_href(job.video_id))
                st.caption(format.ago(job.finished_at))
