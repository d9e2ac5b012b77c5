"""Insights: what the library holds and how the queue has worked, as charts, each with
its numbers as CSV or Parquet in the tab's Download menu. Three tabs, and only the open
one is computed and drawn (the open tab is in the URL: `?section=Jobs`); the job tabs are
filtered by date range and kind (in the URL too)."""

import streamlit as st

from vtm.service import current
from vtm.ui import insights_view

svc = current()
st.title("Insights", anchor=False)
st.caption("The library's make-up and the queue's history, computed by DuckDB from VTM's database.")
library, jobs, times = insights_view.sections()
if library.open:
    with library:
        insights_view.library(svc)
if jobs.open:
    with jobs:
        where, unit, corner = insights_view.filters(svc, by_unit=True)
        with corner:
            insights_view.downloads(svc, insights_view.JOB_CHARTS, where, unit)
        insights_view.jobs_over_time(svc, where, unit)
        insights_view.failures(svc, where)
if times.open:
    with times:
        where, _, corner = insights_view.filters(svc, by_unit=False)
        with corner:
            insights_view.downloads(svc, list(insights_view.TIME_CHARTS), where, "hour")
        insights_view.run_times(svc, where)
