"""Insights: what the library holds and how the queue has worked, as charts, each with
its numbers as CSV or Parquet; filtered by date range and kind (in the URL)."""

import streamlit as st

from vtm.service import current
from vtm.ui import insights_view

svc = current()
st.title("Insights", anchor=False)
st.caption("The library's make-up and the queue's history, computed by DuckDB from VTM's database.")
where, unit = insights_view.filters(svc)
insights_view.library(svc, where)
insights_view.jobs_over_time(svc, where, unit)
st.subheader("How long jobs take", anchor=False)
left, right = st.columns(2)
with left:
    insights_view.percentiles(svc, "durations_by_kind", where, "Run time per kind", "kind",
                              "Seconds from start to finish of completed jobs (last attempt): median, 90th, 99th percentile.")
with right:
    insights_view.percentiles(svc, "durations_by_size", where, "Run time per video size", "video_size",
                              "The same, by the size of the video's file.")
insights_view.percentiles(svc, "queue_waits", where, "Queue wait per kind", "kind",
                          "Seconds from request (or retry) to start.")
insights_view.failures(svc, where)
