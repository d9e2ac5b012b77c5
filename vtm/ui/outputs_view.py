"""Showing what a COMPLETED job made, for every kind: the picture, the animated preview,
the storyboard with a scrub slider, the scenes gallery; each with its downloads."""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

import streamlit as st

from vtm import kinds
from vtm.models import Job, JobKind
from vtm.service import Service
from vtm.ui import format, images
from vtm.ui.feedback import attempt

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
# Which of a job's files get a download button (the main file always does).
DOWNLOADS = {JobKind.PREVIEW: (".gif",), JobKind.STORYBOARD: (".jpg",), JobKind.SCENES: (".csv",)}
MAX_DOWNLOADS = 4


def show(svc: Service, job: Job, *, compact: bool = False) -> None:
    files = attempt(lambda: svc.output_files(job))
    if not files:
        return
    main = files[0]
    if job.kind is JobKind.STORYBOARD and main.suffix == ".vtt":  # a BIF or a trickplay zip: its download only
        from vtm.ui import storyboard_view

        storyboard_view.show(svc, job)
    elif job.kind is JobKind.SCENES:
        from vtm.ui import scenes_view

        scenes_view.show(svc, job)
    elif main.suffix.lower() in IMAGE_SUFFIXES:
        images.show(svc, main, width="stretch" if compact else "content")
    downloads(job, files)


def downloads(job: Job, files: list[Path]) -> None:
    extra = DOWNLOADS.get(job.kind, ())
    chosen = [files[0], *[p for p in files[1:] if p.suffix.lower() in extra]][:MAX_DOWNLOADS]
    cells = st.columns(len(chosen)) if len(chosen) > 1 else [st.container()]
    for cell, path in zip(cells, chosen, strict=True):
        cell.download_button(
            f"{path.suffix.lstrip('.').upper()} · {format.size(path.stat().st_size)}",
            data=functools.partial(path.read_bytes),  # read when clicked, not on every render
            file_name=download_name(job, path),
            mime=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            key=f"dl_{job.id}_{path.name}",
            icon=":material/download:",
            width="stretch",
        )


def download_name(job: Job, path: Path) -> str:
    if kinds.get(job.kind).single_file:
        return path.name
    stem = Path(job.video_filename or f"video-{job.video_id}").stem
    return f"{stem}-{path.name}"
