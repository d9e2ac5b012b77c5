"""A banner over every page while the data folder's disk has less free space than
VTM_MIN_FREE_MB: uploads and jobs would soon fail with "disk full". It checks again
every 10 s, so it goes away by itself once space is freed."""

from __future__ import annotations

import streamlit as st

from vtm import runtime, service
from vtm.disk import describe
from vtm.ui import format


@st.fragment(run_every="10s")
def render() -> None:
    try:
        rt = runtime.current()
    except RuntimeError:
        return
    free, low = service.disk_space(rt)
    if low:
        st.warning(
            f"Low disk space: {describe(free)} left on the disk holding the data folder "
            f"({format.md(str(rt.data.root))}), under the {rt.settings.min_free_mb} MB of VTM_MIN_FREE_MB. "
            "Uploads and jobs fail with \"disk full\" when it runs out: delete videos or outputs you no longer need.",
            icon=":material/hard_drive:",
        )
