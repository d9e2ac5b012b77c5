"""Rendering jobs: counts per status, the live table, one job's detail."""

from __future__ import annotations

import streamlit as st

from vtm import service
from vtm.models import Job, JobStatus
from vtm.runtime import Runtime
from vtm.ui.feedback import attempt

STATUS_ICONS = {
    JobStatus.QUEUED: "⏳ QUEUED",
    JobStatus.RUNNING: "⚙️ RUNNING",
    JobStatus.COMPLETED: "✅ COMPLETED",
    JobStatus.FAILED: "❌ FAILED",
}


def status_metrics(counts: dict[JobStatus, int]) -> None:
    for column, status in zip(st.columns(len(JobStatus)), JobStatus, strict=True):
        column.metric(status.value.title(), counts.get(status, 0))


def size_text(job: Job) -> str:
    if job.width and job.height:
        return f"{job.width}×{job.height}"
    return ""


def job_rows(jobs: list[Job]) -> list[dict[str, object]]:
    return [
        {
            "id": job.id,
            "kind": str(job.kind),
            "video": job.video_filename or f"#{job.video_id}",
            "size": size_text(job),
            "status": STATUS_ICONS[job.status],
            "progress": job.progress,
            "created": job.created_at,
            "duration (s)": round(job.duration_s, 2) if job.duration_s is not None else None,
            "error": job.error or "",
        }
        for job in jobs
    ]


def job_table(jobs: list[Job]) -> None:
    if not jobs:
        st.info("No jobs yet. Open the Library and request a thumbnail.", icon=":material/info:")
        return
    st.dataframe(
        job_rows(jobs),
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn("id", format="%d", width="small"),
            "progress": st.column_config.ProgressColumn("progress", min_value=0.0, max_value=1.0, format="percent"),
            "created": st.column_config.DatetimeColumn("created (UTC)", format="YYYY-MM-DD HH:mm:ss"),
        },
        key="jobs_table",
    )


def job_detail(rt: Runtime, job: Job) -> None:
    st.write(f"**Job {job.id}** · {job.kind} of *{job.video_filename}* · {STATUS_ICONS[job.status]}")
    if job.status is JobStatus.FAILED:
        st.error(job.error or "Failed.", icon=":material/error:")
        if st.button("Retry this job", key=f"retry_{job.id}", icon=":material/refresh:"):
            if attempt(lambda: service.retry_job(rt, job.id)) is not None:
                st.success(f"Job {job.id} is queued again.")
    if job.status is JobStatus.COMPLETED:
        path = attempt(lambda: service.output_file(rt, job))
        if path is not None:
            if path.suffix.lower() in (".jpg", ".png", ".webp", ".gif"):
                st.image(str(path), caption=path.name)
            st.download_button("Download", path.read_bytes(), file_name=path.name, key=f"dl_{job.id}", icon=":material/download:")
