"""The sidebar under the navigation: the product name and a live one-line queue state."""

from __future__ import annotations

import streamlit as st

from vtm.models import JobStatus
from vtm.service import current


def render() -> None:
    with st.sidebar:
        st.caption("**VTM** · Video Thumbnails Maker")
        queue_state()


@st.fragment(run_every="1s")  # the Jobs page refreshes every second too: the two agree
def queue_state() -> None:
    try:
        svc = current()
    except RuntimeError:
        return
    counts = svc.job_counts()
    running, queued, failed = (counts.get(s, 0) for s in (JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.FAILED))
    workers = svc.settings.worker_count
    team = f"{workers} worker{'s' if workers != 1 else ''}"
    if running or queued:
        st.caption(f":blue[:material/sync:] {running:,} running · {queued:,} queued · {team}")
    else:
        st.caption(f":green[:material/check_circle:] Idle · {team}")
    if failed:
        st.caption(f":red[:material/error:] {failed:,} failed")
    cluster, line = svc.cluster_status(), svc.cluster_line()
    if cluster is not None and line is not None:
        up = cluster["state"] == "up"
        st.caption(f":green[:material/lan:] {line}" if up else f":orange[:material/cloud_off:] {line}",
                   help=None if up else cluster.get("reason"))
