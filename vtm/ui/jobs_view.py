"""Rendering jobs: counts per status, filters, the live table, one job's detail."""

from __future__ import annotations

import functools
import zlib
from typing import Any

import streamlit as st

from vtm import kinds
from vtm.models import Job, JobKind, JobStatus
from vtm.service import Service
from vtm.ui import format, library_view, options_text, outputs_view
from vtm.ui.feedback import attempt

LIMIT = 500
SHOWN, OPENED = "jobs_shown_ids", "jobs_opened"
# Text and colour, no emoji: Debian's chromium has no colour emoji font (tofu boxes).
STATUS_COLORS = {
    JobStatus.QUEUED: "#94a3b8",
    JobStatus.RUNNING: "#2563eb",
    JobStatus.COMPLETED: "#16a34a",
    JobStatus.FAILED: "#dc2626",
}
STATUS_ICONS = {
    JobStatus.QUEUED: ":gray[:material/schedule:]",
    JobStatus.RUNNING: ":blue[:material/progress_activity:]",
    JobStatus.COMPLETED: ":green[:material/check_circle:]",
    JobStatus.FAILED: ":red[:material/error:]",
}
OUTPUT_KINDS = [kind.name for kind in kinds.OUTPUT_KINDS]


def status_counts(counts: dict[JobStatus, int]) -> None:
    with st.container(key="counts"):  # two by two on a phone (vtm/ui/styles.py)
        _counts(counts)


def _counts(counts: dict[JobStatus, int]) -> None:
    for column, status in zip(st.columns(len(JobStatus)), JobStatus, strict=True):
        column.metric(f"{STATUS_ICONS[status]} {status.value.title()}", counts.get(status, 0), border=True)


def filters() -> tuple[str | None, str | None]:
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    status = left.segmented_control(
        "Status", ["All", *JobStatus], default="All", key="jobs_status", format_func=lambda s: str(s).title()
    )
    kind = right.selectbox("Kind", ["All kinds", *OUTPUT_KINDS], key="jobs_kind",
                           format_func=lambda k: k if k == "All kinds" else kinds.get(JobKind(k)).title)
    return (None if status in (None, "All") else str(status)), (None if kind == "All kinds" else str(kind))


def size_text(job: Job) -> str:
    """The gist of a job's options: `320×180` for a picture, `4×4 grid`, … (its kind says)."""
    return job.options.summary()


def node_text(job: Job) -> str:
    """Where a job runs or ran on the cluster: the node's name and IP (its name is its IP
    unless the node was started with --node-name); empty locally or before it runs."""
    if job.node is None:
        return ""
    return job.node.ip if job.node.name in ("", job.node.ip) else f"{job.node.name} ({job.node.ip})"


def job_rows(jobs: list[Job]) -> list[dict[str, Any]]:
    return [
        {
            "id": job.id,
            "kind": options_text.title(job),
            # A link to the video's page; the name after `#` is what the cell shows.
            "video": f"{library_view.video_href(job.video_id)}#{job.video_filename or f'video {job.video_id}'}",
            "size": size_text(job),
            "status": [job.status.value],
            "progress": 1.0 if job.status is JobStatus.COMPLETED else round(job.progress, 2),
            "created": job.created_at,
            "took": format.clock(job.duration_s) if job.duration_s is not None else "",
            "attempts": job.attempts,
            "node": node_text(job),
            "error": job.error or "",
        }
        for job in jobs
    ]


def job_table(jobs: list[Job]) -> None:
    if not jobs:
        st.info("No jobs here yet. Open the Library, pick a video and request a thumbnail.", icon=":material/info:")
        return
    ids = [job.id for job in jobs]
    st.session_state[SHOWN] = ids
    if st.session_state.pop(OPENED, False):
        st.rerun(scope="app")  # draw the picked job's panel, below the live part
    # A new key whenever the rows change (a new job on top, another filter): a row
    # selection never slides onto another job; the opened job stays open below.
    key = f"jobs_table_{zlib.crc32(repr(ids).encode()):08x}"
    st.dataframe(
        job_rows(jobs),
        on_select=functools.partial(_picked, key),
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        height=min(36 + 35 * len(jobs), 560),
        column_config={
            "id": st.column_config.NumberColumn("id", format="%d", width=50, pinned=True),
            "kind": st.column_config.TextColumn("kind", width=100),
            "video": st.column_config.LinkColumn("video", width=170, display_text=r"#(.+)$",
                                                 help="Opens the video's page"),
            "size": st.column_config.TextColumn("size", width=90),
            "status": st.column_config.MultiselectColumn(
                "status", options=list(STATUS_COLORS), color=list(STATUS_COLORS.values()), width=110
            ),
            "progress": st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent", width=105),
            "created": st.column_config.DatetimeColumn("created (UTC)", format="MMM D HH:mm", width=100,
                                                       help="When the job was requested (or retried), in UTC."),
            "took": st.column_config.TextColumn("took", width=65, help="From start to finish."),
            "attempts": st.column_config.NumberColumn("attempts", format="%d", width=70,
                                                      help="Times the job was started (a lost node or a restart adds one)."),
            "node": st.column_config.TextColumn("node", width=130, help="The cluster node it runs or ran on (VTM_EXECUTOR=ray)."),
            "error": st.column_config.TextColumn("error", width="large", help="Why it failed (open the job below "
                                                 "for the whole message)"),
        },
        key=key,
    )
    if len(jobs) >= LIMIT:
        st.caption(f"Showing the newest {LIMIT} jobs; filter by status or kind to see others.")


def _picked(key: str) -> None:
    """A click on a row opens that job below (the row's id, from the table as shown)."""
    rows = st.session_state[key].selection.rows
    shown = st.session_state.get(SHOWN, [])
    if rows and rows[0] < len(shown):
        st.session_state["jobs_pick"] = shown[rows[0]]
        st.session_state[OPENED] = True


def job_actions(svc: Service) -> None:
    st.subheader("Open a job", anchor=False)
    job_id = st.number_input(
        "Job id (or click a row)", min_value=1, step=1, value=None, placeholder="e.g. 12", key="jobs_pick", width=260
    )
    if job_id:
        job = attempt(lambda: svc.get_job(int(job_id)))
        if job is not None:
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
            times.append(f"on {format.md(node_text(job))} (Ray node {job.node.id[:12]}…)")
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
