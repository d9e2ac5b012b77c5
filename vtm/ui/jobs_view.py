"""Rendering jobs: counts per status, filters, the live table a page at a time, one
job's detail (live too). The filters, the page and the open job are in the URL
(`/jobs?status=failed&kind=sheet&q=cat&video=3&page=2&job=12`)."""

from __future__ import annotations

import streamlit as st

from vtm import kinds
from vtm.errors import VtmError
from vtm.models import Job, JobFilter, JobKind, JobPage, JobStatus
from vtm.service import Service
from vtm.ui import format, job_table, library_view, options_text, outputs_view, url_state
from vtm.ui.feedback import attempt, show_error

PER_PAGE = 50
# Text and colour, no emoji: Debian's chromium has no colour emoji font (tofu boxes).
STATUS_ICONS = {
    JobStatus.QUEUED: ":gray[:material/schedule:]",
    JobStatus.RUNNING: ":blue[:material/progress_activity:]",
    JobStatus.COMPLETED: ":green[:material/check_circle:]",
    JobStatus.FAILED: ":red[:material/error:]",
}
OUTPUT_KINDS = [kind.name for kind in kinds.OUTPUT_KINDS]


def status_counts(counts: dict[JobStatus, int]) -> None:
    job_table.show_counts(counts)  # two by two on a phone (vtm/ui/styles.py)


def filters(svc: Service) -> JobFilter:
    """Status, kind, text and video, from and to the URL; a change goes back to page 1.
    A bad value in the URL (`?status=done`) says so and is left out."""
    status_param, kind_param = url_state.get("status").upper(), url_state.get("kind")
    url_state.bind("jobs_status", status_param if status_param in JobStatus.__members__ else "All")
    url_state.bind("jobs_kind", kind_param if kind_param in OUTPUT_KINDS else "All kinds")
    url_state.bind("jobs_text", url_state.get("q"))
    url_state.bind("jobs_video", url_state.get_int("video"))
    left, middle = st.columns([3, 2], vertical_alignment="bottom")
    text_col, video_col = st.columns([3, 2], vertical_alignment="bottom")
    status = left.segmented_control(
        "Status", ["All", *JobStatus.__members__], key="jobs_status", format_func=lambda s: str(s).title(),
        on_change=url_state.store("jobs_status", "status", "All", lambda v: str(v or "All").lower(), reset=["page"]),
    )
    kind = middle.selectbox("Kind", ["All kinds", *OUTPUT_KINDS], key="jobs_kind",
                            format_func=lambda k: k if k == "All kinds" else kinds.get(JobKind(k)).title,
                            on_change=url_state.store("jobs_kind", "kind", "All kinds", reset=["page"]))
    text = text_col.text_input("Video name or error", key="jobs_text", placeholder="e.g. holiday or timeout",
                               on_change=url_state.store("jobs_text", "q", reset=["page"]))
    video = video_col.number_input("Video id", min_value=1, step=1, key="jobs_video", placeholder="any",
                                   on_change=url_state.store("jobs_video", "video", None, reset=["page"]))
    try:
        return svc.job_filter(status=None if status in (None, "All") else str(status),
                              kind=None if kind == "All kinds" else str(kind), video_id=video, text=text)
    except VtmError as exc:
        show_error(exc)
        return JobFilter()


def job_table_view(shown: JobPage, page: int) -> None:
    jobs = shown.jobs
    if not jobs:
        if shown.total:
            st.info("This page is past the last one; go back a page.", icon=":material/info:")
        else:
            st.info("No jobs here yet. Open the Library, pick a video and request a thumbnail.", icon=":material/info:")
        return
    job_table.show_table(jobs, lambda job_id: url_state.with_param("job", job_id), library_view.video_href)
    first = (page - 1) * PER_PAGE + 1
    st.caption(f"Jobs {first:,}–{first + len(jobs) - 1:,} of {shown.total:,}, newest first. Click a job's id to open it below.")


def job_actions(svc: Service) -> None:
    """The "Open a job" panel: the job of `?job=ID`, redrawn every second while it is
    queued or running (it shows COMPLETED, or its new state after Retry, by itself)."""
    st.subheader("Open a job", anchor=False)
    job_id = url_state.get_int("job")
    url_state.bind("jobs_pick", job_id)
    st.number_input("Job id (or click one in the table)", min_value=1, step=1, placeholder="e.g. 12", key="jobs_pick",
                    width=260, on_change=url_state.store("jobs_pick", "job", None))
    if job_id:
        job = attempt(lambda: svc.get_job(job_id))
        if job is not None:
            pending = not job.status.finished
            st.fragment(run_every="1s" if pending else None)(_live_detail)(svc, job_id, pending)


def _live_detail(svc: Service, job_id: int, was_pending: bool) -> None:
    job = attempt(lambda: svc.get_job(job_id))
    if job is None:
        return
    if was_pending and job.status.finished:
        st.rerun()  # once, to stop polling and show its outputs
    job_detail(svc, job)


def job_detail(svc: Service, job: Job) -> None:
    with st.container(border=True):
        st.markdown(
            f"{STATUS_ICONS[job.status]} **Job {job.id}** · {options_text.title(job)} of "
            f"**{format.md(job.video_filename or '?')}** · {job.status.value}"
        )
        st.page_link("pages/library.py", label=f"Open {format.md(job.video_filename or 'the video')}",
                     query_params={"video": str(job.video_id)}, icon=":material/movie:")
        st.caption(format.md(options_text.described(job, everything=True)) or "no options")
        times = [f"created {format.ago(job.created_at)}"]
        if job.duration_s is not None:
            times.append(f"took {format.clock(job.duration_s)}")
        if job.attempts:
            times.append(f"attempt {job.attempts}")
        if job.node is not None:
            times.append(f"on {format.md(job_table.node_text(job))} (Ray node {job.node.id[:12]}…)")
        st.caption(" · ".join(times))
        if job.status is JobStatus.FAILED:
            st.error(format.md(job.error or "Failed without a message."), icon=":material/error:")
            if st.button("Retry this job", key=f"retry_{job.id}", icon=":material/refresh:", type="primary"):
                retried = attempt(lambda: svc.retry_job(job.id))
                if retried is not None:
                    st.toast(f"Job {job.id} is queued again.", icon=":material/refresh:")
                    st.rerun()
        elif job.status is JobStatus.COMPLETED:
            outputs_view.show(svc, job)
        else:
            st.progress(job.progress, text=f"{job.status.value.title()}… {job.progress:.0%}")
