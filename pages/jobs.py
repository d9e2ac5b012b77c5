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


# The table and its pager (drawn only when there is more than one page) in one container:
# the "Open a job" panel below keeps its place on the page whether a pager is drawn or not,
# so a run that adds or drops the pager redraws the panel where it was; at a new place, the
# last run's panel stayed beside it until the run ended (seen as the job's panel twice).
with st.container():
    total = live_jobs()  # the page's counts, not a second count of every job
    pager.pager("jobs", page, pager.pages_of(total, jobs_view.PER_PAGE))
jobs_view.job_actions(svc)
