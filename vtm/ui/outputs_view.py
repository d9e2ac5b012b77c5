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
# Which of a job's files get a download button of their own (the main file always does,
# unless the output's files name each other: then one zip holds them all).
DOWNLOADS = {JobKind.PREVIEW: (".gif",), JobKind.SCENES: (".csv",)}
MAX_DOWNLOADS = 4
ZIP = Path("all.zip")  # stands for the zip in the list of downloads


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
        images.show(svc, main, width="stretch" if compact else "content",
                    alt=f"{kinds.get(job.kind).title} of {job.video_filename or 'the video'} ({job.width}×{job.height})")
    downloads(svc, job, files)


def downloads(svc: Service, job: Job, files: list[Path]) -> None:
    """A button per download, named for what it downloads ("Contact sheet JPG · 7.6 KB");
    every name in the same style (`<video>.<file>`, vtm.service.downloads)."""
    extra = DOWNLOADS.get(job.kind, ())
    linked = kinds.get(job.kind).linked
    chosen = [ZIP if linked else files[0], *[p for p in files[1:] if p.suffix.lower() in extra]][:MAX_DOWNLOADS]
    cells = st.columns(len(chosen)) if len(chosen) > 1 else [st.container()]
    title = {"Thumbnails": "Thumbnail"}.get(kinds.get(job.kind).title, kinds.get(job.kind).title)  # one picture
    for cell, path in zip(cells, chosen, strict=True):
        if path is ZIP:
            data = functools.partial(svc.output_zip, job)
            name, mime, size = svc.zip_name(job), "application/zip", sum(p.stat().st_size for p in files)
            what = f"{title} ZIP"
        else:
            data = functools.partial(path.read_bytes)  # read when clicked, not on every render
            name, mime, size = svc.download_name(job, path), mimetypes.guess_type(path.name)[0] or "application/octet-stream", path.stat().st_size
            what = f"{title} {path.suffix.lstrip('.').upper()}"
        cell.download_button(
            f"{what} · {format.size(size)}",
            data=data,
            file_name=name,
            mime=mime,
            key=f"dl_{job.id}_{path.name}",
            icon=":material/download:",
            # No rerun on a click: a rerun gives the button a new file id while the browser is still
            # asking for the old one, and under load the download then never comes (measured).
            on_click="ignore",
            width="stretch",
            help=f"Download {format.md(name)}" + (f" ({len(files)} files; its WebVTT names its sprites relatively)"
                                        if path is ZIP and job.kind is JobKind.STORYBOARD else f" ({len(files)} files)" if path is ZIP else ""),
        )
