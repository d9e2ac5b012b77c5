"""A storyboard in the library: a slider that scrubs through the sprite tiles (what a
player shows while seeking), and the sprite sheets themselves."""

from __future__ import annotations

import streamlit as st

from vtm.models import Job
from vtm.service import Service
from vtm.ui import format, images
from vtm.ui.feedback import attempt


def show(svc: Service, job: Job) -> None:
    cues = attempt(lambda: svc.storyboard_cues(job))
    if not cues:
        st.caption("This storyboard has no tiles.")
        return
    index = st.select_slider(
        "Scrub", options=range(len(cues)), value=0, key=f"scrub_{job.id}",
        format_func=lambda i: format.clock(cues[i].start),
        help="Drag to see the tile a player shows at that time.",
    )
    cue = cues[index]
    caption = f"{format.clock(cue.start)} – {format.clock(cue.end)} · tile {index + 1} of {len(cues)}"
    if cue.path is None:
        images.placeholder("This tile's sprite sheet is missing.", format.md(caption))
    else:
        crop = (cue.x, cue.y, cue.x + cue.w, cue.y + cue.h)
        images.show(svc, cue.path, caption=format.md(caption), width=display_width(cue.w, cue.h), crop=crop,
                    box=images.CARD_BOX, alt=f"Storyboard tile at {format.clock(cue.start)}")
    sprites = sorted({c.path for c in cues if c.path is not None})
    with st.expander(f"{len(sprites)} sprite sheet{'s' if len(sprites) != 1 else ''} · {len(cues)} tiles"):
        for path in sprites:
            images.show(svc, path, caption=format.md(path.name), alt=f"Storyboard sprite sheet {path.name}")


def display_width(w: int, h: int, box: int = 360) -> int:
    """Twice the tile's size, within a `box` x `box` square (portrait tiles stay short)."""
    return max(1, min(2 * w, box, round(box * w / h)))
