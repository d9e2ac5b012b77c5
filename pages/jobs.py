"""Jobs: the live queue, a page at a time, filtered by status, kind, text and video
(all in the URL, with the open job: `/jobs?job=12`). Only the fragment reruns every
second: no page reload, no flicker, and the widgets keep their state."""

import streamlit as st

from vtm.service import current
from vtm.ui import jobs_view, pager

svc = current()
st.title("Jobs", anchor=False)
st.caption("Every picture VTM makes is a job. This table updates itself every second.")
where = jobs_view.filters(svc)
page = jobs_view.page_number()


@st.fragment(run_every="1s")
def live_jobs() -> None:
    shown = svc.job_page(where, page=page, per_page=jobs_view.PER_PAGE)
    jobs_view.status_counts(shown.counts)
    jobs_view.job_table(shown, page)


live_jobs()
pager.pager("jobs", page, pager.pages_of(sum(svc.job_counts_for(where).values()), jobs_view.PER_PAGE))
jobs_view.job_actions(svc)
