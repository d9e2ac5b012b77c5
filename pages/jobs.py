"""Jobs: the live queue (the old service's /jobs page), refreshed every second."""

import streamlit as st

from vtm import runtime, service
from vtm.models import JobStatus
from vtm.ui import jobs_view
from vtm.ui.feedback import attempt

rt = runtime.current()
st.title("Jobs")
status_filter = st.segmented_control(
    "Show", ["All", *[s.value for s in JobStatus]], default="All", key="jobs_status"
)


@st.fragment(run_every="1s")
def live_jobs() -> None:
    counts = service.job_counts(rt)
    jobs_view.status_metrics(counts)
    jobs = service.list_jobs(rt, status=None if status_filter in (None, "All") else status_filter, limit=500)
    jobs_view.job_table(jobs)


live_jobs()

st.subheader("Act on a job")
job_id = st.number_input("Job id", min_value=1, step=1, value=None, placeholder="e.g. 12", key="jobs_pick")
if job_id:
    job = attempt(lambda: service.get_job(rt, int(job_id)))
    if job is not None:
        jobs_view.job_detail(rt, job)
