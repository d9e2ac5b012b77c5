"""What a job does, as a plain picklable task run by an executor (in a thread or in a
child process). Maps each job kind to its media function and writes the result
atomically to the path the worker chose."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm.files import write_atomic
from vtm.media.thumbnail import make_thumbnail
from vtm.models import JobKind

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Task:
    job_id: int
    kind: JobKind
    params: dict[str, Any]
    source: str
    duration: float | None
    dest: str  # a file for thumbnails, a folder for other kinds


def run(task: Task, progress: Progress) -> str:
    """Do the task; returns the path of the main output file."""
    runner = RUNNERS.get(task.kind)
    if runner is None:
        raise ValueError(f"no runner for job kind {task.kind}")
    return runner(task, progress)


def _thumbnail(task: Task, progress: Progress) -> str:
    data = make_thumbnail(Path(task.source), task.params, task.duration)
    write_atomic(Path(task.dest), data)
    progress(1.0)
    return task.dest


def _crash(task: Task, progress: Progress) -> str:
    os.abort()


def _hang(task: Task, progress: Progress) -> str:
    time.sleep(float(task.params.get("seconds", 3600)))
    return task.dest


def _hog(task: Task, progress: Progress) -> str:
    hoard = []
    for _ in range(int(task.params.get("mb", 100_000))):
        hoard.append(bytearray(1024 * 1024))
    return task.dest


RUNNERS: dict[JobKind, Callable[[Task, Progress], str]] = {
    JobKind.THUMBNAIL: _thumbnail,
    JobKind.CRASH: _crash,
    JobKind.HANG: _hang,
    JobKind.HOG: _hog,
}


POSTER_WIDTH = 480


def inspect(source: str, poster: str) -> Any:
    """Probe an upload and write its poster frame (the automatic choice, 480 px wide).
    Returns the VideoInfo; raises Unsupported when it is not a usable video."""
    from vtm.media.probe import probe
    from vtm.media.render import encode, fit
    from vtm.media.thumbnail import pick_frame

    info = probe(Path(source))
    frame = pick_frame(Path(source), "auto", info.duration)
    h, w = frame.image.shape[:2]
    height = max(2, round(POSTER_WIDTH * h / w))
    write_atomic(Path(poster), encode(fit(frame.image, POSTER_WIDTH, height, "stretch"), "jpg", 82))
    return info
