"""Insights: what the library holds and how the queue has worked, as charts, each with
its numbers as CSV or Parquet. Three tabs, and only the open one is computed and drawn
(the open tab is in the URL: `?section=Jobs`); the job tabs are filtered by date range
and kind (in the URL too)."""

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
        where, unit = insights_view.filters(svc, by_unit=True)
        insights_view.jobs_over_time(svc, where, unit)
        insights_view.failures(svc, where)
if times.open:
    with times:
        where, _ = insights_view.filters(svc, by_unit=False)
        left, right = st.columns(2)
        with left:
            insights_view.percentiles(svc, "durations_by_kind", where, "Run time per kind", "kind",
                                      "Seconds from start to finish of completed jobs (last attempt): median, 90th, 99th percentile.")
        with right:
            insights_view.percentiles(svc, "durations_by_size", where, "Run time per video size", "video_size",
                                      "The same, by the size of the video's file.")
        insights_view.percentiles(svc, "queue_waits", where, "Queue wait per kind", "kind",
                                  "Seconds from request (or retry) to start.")
