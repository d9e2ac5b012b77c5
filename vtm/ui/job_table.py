"""The Jobs page's live part as HTML: the four counts per status and the table of a page
of jobs, each one `st.html` element redrawn by the page's one-second fragment.

As Streamlit elements (four `st.metric` and an `st.dataframe`, whose grid is drawn on a
canvas) the Jobs page settled in 1.31 s; with the table as HTML 1.12 s, and with the
counts too 1.00 s (2,000 videos and 20,000 jobs, medians of 10, the three side by side in
one browser). A table of 50 rows needs none of the grid's machinery, and a real `<table>`
is what a screen reader reads best.

A job's id is a link that opens the job under the table (`?job=12`, the page's filters
kept); its video's name is a link to the video's page. A bar shows the progress of a job
that waits or runs; the node column is there when a job of the page ran on a cluster.
Every text is HTML-escaped. The look, the status colours included, is in
vtm/ui/styles.py.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from vtm.models import Job, JobStatus
from vtm.ui import format, options_text

STATUS_COLORS = {
    JobStatus.QUEUED: "#64748b",
    JobStatus.RUNNING: "#2563eb",
    JobStatus.COMPLETED: "#16a34a",
    JobStatus.FAILED: "#dc2626",
}
# (heading, what hovering it says)
COLUMNS = (
    ("id", "Opens the job below the table"),
    ("kind", ""),
    ("video", "Opens the video's page"),
    ("size", ""),
    ("status", ""),
    ("progress", ""),
    ("created (UTC)", "When the job was requested (or retried), in UTC."),
    ("took", "From start to finish."),
    ("attempts", "Times the job was started (a lost node or a restart adds one)."),
    ("node", "The cluster node it runs or ran on (VTM_EXECUTOR=ray)."),
    ("error", "Why it failed"),
)


def status_class(status: JobStatus) -> str:
    return f"vtm-status-{status.value.lower()}"


def counts_html(counts: dict[JobStatus, int]) -> str:
    cells = "".join(
        f'<div class="vtm-count" role="group" aria-label="{status.value.title()}: {counts.get(status, 0):,}">'
        f'<span class="vtm-count-label"><span class="vtm-dot {status_class(status)}" aria-hidden="true">●</span>'
        f"{status.value.title()}</span>"
        f'<span class="vtm-count-value">{counts.get(status, 0):,}</span></div>'
        for status in JobStatus
    )
    return f'<div class="vtm-counts">{cells}</div>'


def progress_html(job: Job) -> str:
    """A bar while the job waits or runs; nothing once it ended (its status says how)."""
    if job.status.finished:
        return ""
    done = max(0, min(100, round(job.progress * 100)))
    return (f'<span class="vtm-bar" role="progressbar" aria-valuenow="{done}" aria-valuemin="0" aria-valuemax="100">'
            f'<span style="width: {done}%"></span></span> {done}%')


def node_text(job: Job) -> str:
    """Where a job runs or ran on the cluster: the node's name and IP (its name is its IP
    unless the node was started with --node-name); empty locally or before it runs."""
    if job.node is None:
        return ""
    return job.node.ip if job.node.name in ("", job.node.ip) else f"{job.node.name} ({job.node.ip})"


def row_html(job: Job, job_href: str, video_href: str, nodes: bool) -> str:
    e = html.escape
    video = job.video_filename or f"video {job.video_id}"
    cells = (
        f'<a href="{e(job_href)}" aria-label="Open job {job.id}">{job.id}</a>',
        e(options_text.title(job)),
        f'<a href="{e(video_href)}">{e(video)}</a>',
        e(job.options.summary()),
        f'<span class="vtm-pill {status_class(job.status)}">{job.status.value}</span>',
        progress_html(job),
        e(format.utc_time(job.created_at)) if job.created_at else "",
        e(format.clock(job.duration_s)) if job.duration_s is not None else "",
        str(job.attempts),
        *((e(node_text(job)),) if nodes else ()),
        e(job.error or ""),
    )
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def table_html(jobs: list[Job], job_href: Callable[[int], str], video_href: Callable[[int], str]) -> str:
    nodes = any(job.node is not None for job in jobs)  # the node column only where jobs ran on a cluster
    head = "".join('<th scope="col"' + (f' title="{html.escape(tip)}"' if tip else "") + f'>{name}</th>'
                   for name, tip in COLUMNS if nodes or name != "node")
    rows = "".join(row_html(job, job_href(job.id), video_href(job.video_id), nodes) for job in jobs)
    return (f'<div class="vtm-jobs-scroll" tabindex="0" role="region" aria-label="Jobs"><table class="vtm-jobs">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def show_counts(counts: dict[JobStatus, int]) -> None:
    st.html(counts_html(counts))


def show_table(jobs: list[Job], job_href: Callable[[int], str], video_href: Callable[[int], str]) -> None:
    st.html(table_html(jobs, job_href, video_href))
