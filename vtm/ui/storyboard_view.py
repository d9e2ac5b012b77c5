"""A storyboard in the library: a slider that scrubs through the sprite tiles (what a
player shows while seeking), and the sprite sheets themselves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from PIL import Image

from vtm import service
from vtm.models import Job
from vtm.runtime import Runtime
from vtm.ui import format
from vtm.ui.feedback import attempt


def show(rt: Runtime, job: Job) -> None:
    cues = attempt(lambda: service.storyboard_cues(rt, job))
    if not cues:
        st.caption("This storyboard has no tiles.")
        return
    index = st.select_slider(
        "Scrub", options=range(len(cues)), value=0, key=f"scrub_{job.id}",
        format_func=lambda i: format.clock(cues[i]["start"]),
        help="Drag to see the tile a player shows at that time.",
    )
    cue = cues[index]
    st.image(tile(cue), caption=f"{format.clock(cue['start'])} – {format.clock(cue['end'])} · tile {index + 1} of {len(cues)}",
             width=display_width(cue["w"], cue["h"]))
    sprites = sorted({c["path"] for c in cues if c["path"] is not None})
    with st.expander(f"{len(sprites)} sprite sheet{'s' if len(sprites) != 1 else ''} · {len(cues)} tiles"):
        for path in sprites:
            st.image(str(path), caption=path.name, width="stretch")


def display_width(w: int, h: int, box: int = 360) -> int:
    """Twice the tile's size, within a `box` x `box` square (portrait tiles stay short)."""
    return max(1, min(2 * w, box, round(box * w / h)))


@st.cache_data(max_entries=64, show_spinner=False)
def _crop(path: str, mtime: float, box: tuple[int, int, int, int]) -> Image.Image:
    with Image.open(path) as sprite:
        return sprite.crop(box).copy()


def tile(cue: dict[str, Any]) -> Image.Image:
    path = Path(cue["path"])
    box = (cue["x"], cue["y"], cue["x"] + cue["w"], cue["y"] + cue["h"])
    return _crop(str(path), path.stat().st_mtime, box)
