"""Scenes in the library: a gallery of one keyframe per scene with its times (the CSV
and JSON downloads come with the job's files)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from vtm.models import Job
from vtm.service import Service
from vtm.ui import format, images
from vtm.ui.feedback import attempt

COLUMNS = 4


def show(svc: Service, job: Job) -> None:
    scenes = attempt(lambda: svc.scenes_of(job))
    if scenes is None:
        return
    if not scenes:
        st.caption("No scene found.")
        return
    st.caption(f"{len(scenes)} scene{'s' if len(scenes) != 1 else ''}")
    cells = st.columns(COLUMNS)
    for index, scene in enumerate(scenes):
        with cells[index % COLUMNS]:
            caption = (f"**{scene['scene']}** · {format.clock(scene['start_s'])}–{format.clock(scene['end_s'])} "
                       f"({format.clock(scene['end_s'] - scene['start_s'])}){_how(scene)}")
            if scene.get("path"):
                images.show(svc, scene["path"], caption=caption, box=images.CARD_BOX,
                            alt=f"Scene {scene['scene']} keyframe, {format.clock(scene['start_s'])}")
            else:
                st.caption(caption)


def _how(scene: dict[str, Any]) -> str:
    """How the scene begins: ` · cut`, ` · fade 0:12–0:13` (nothing for the first)."""
    if scene.get("transition") == "fade" and scene.get("fade_start_s") is not None:
        return f" · fade {format.clock(scene['fade_start_s'])}–{format.clock(scene['fade_end_s'])}"
    return f" · {scene['transition']}" if scene.get("transition") else ""
