"""A banner over every page while the data folder's disk has less free space than
VTM_MIN_FREE_MB: uploads and jobs would soon fail with "disk full". It checks again
every 10 s, so it goes away by itself once space is freed."""

from __future__ import annotations

import streamlit as st

from vtm.service import current
from vtm.ui import format


@st.fragment(run_every="10s")
def render() -> None:
    try:
        svc = current()
    except RuntimeError:
        return
    free, low = svc.disk_space()
    if low:
        st.warning(
            f"Low disk space: {format.size(free)} left on the disk holding the data folder "
            f"({format.md(svc.data_folder)}), under the {svc.settings.min_free_mb} MB of VTM_MIN_FREE_MB. "
            "Uploads and jobs fail with \"disk full\" when it runs out: delete videos or outputs you no longer need.",
            icon=":material/hard_drive:",
        )
