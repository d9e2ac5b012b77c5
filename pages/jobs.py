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
page = pager.page_number()


@st.fragment(run_every="1s")
def live_jobs() -> int:
    """Draws the counts and the table; returns how many jobs match (used on the full run)."""
    shown = svc.job_page(where, page=page, per_page=jobs_view.PER_PAGE)
    jobs_view.status_counts(shown.counts)
    jobs_view.job_table_view(shown, page)
    return shown.total


total = live_jobs()  # the page's counts, not a second count of every job
pager.pager("jobs", page, pager.pages_of(total, jobs_view.PER_PAGE))
jobs_view.job_actions(svc)
