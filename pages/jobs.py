"""Jobs: the live queue (the old service's /jobs page). Only the fragment reruns every
second: no page reload, no flicker, and the widgets below keep their state."""

import streamlit as st

from vtm.service import current
from vtm.ui import jobs_view

svc = current()
st.title("Jobs", anchor=False)
st.caption("Every picture VTM makes is a job. This table updates itself every second.")


@st.fragment(run_every="1s")
def live_jobs() -> None:
    jobs_view.status_counts(svc.job_counts())
    status, kind = jobs_view.filters()
    jobs_view.job_table(svc.list_jobs(status=status, kind=kind, limit=jobs_view.LIMIT))


live_jobs()
jobs_view.job_actions(svc)
