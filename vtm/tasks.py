"""What a job does, as a plain picklable task run by an executor (in a thread or in a
child process). Maps each job kind to its media function and writes the result
atomically to the path the worker chose: a thumbnail is one file renamed into place;
the other kinds write all their files into a staging folder under data/tmp that is
renamed onto data/outputs/<job_id>/ only when complete, so a failed or killed job
leaves no partial output (data/tmp is emptied on start)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm.disk import full_as_error
from vtm.errors import NotFound
from vtm.files import staging_root, write_atomic, write_folder
from vtm.media.decoder import decode_threads
from vtm.media.thumbnail import make_thumbnail
from vtm.models import JobKind, VideoInfo

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
    if task.kind in MAIN_FILE or task.kind is JobKind.THUMBNAIL:
        if not Path(task.source).is_file():
            raise NotFound(f"The video file {task.source} is missing (moved or deleted after it was imported?); "
                           "put it back or delete the video and add it again.")
    # "No space left" while writing is DiskFull naming the folder, not "Could not process the video".
    with decode_threads(1), full_as_error(Path(task.dest).parent, "while writing this output"):
        return runner(task, progress)


def _thumbnail(task: Task, progress: Progress) -> str:
    data = make_thumbnail(Path(task.source), task.params, task.duration)
    write_atomic(Path(task.dest), data)
    progress(1.0)
    return task.dest


MAIN_FILE = {JobKind.SHEET: "sheet.{format}", JobKind.STORYBOARD: "storyboard.vtt",
             JobKind.PREVIEW: "preview.webp", JobKind.SCENES: "scenes.json"}


def main_file(kind: JobKind, params: dict[str, Any]) -> str:
    return MAIN_FILE[kind].format(**params)


def render_files(kind: JobKind, source: Path, info: VideoInfo, params: dict[str, Any], *, url_prefix: str = "",
                 progress: Progress | None = None) -> dict[str, bytes]:
    """The files of one output (sheet, storyboard, preview, scenes) by name, in memory.
    Shared by the job runners and the CLI."""
    if kind is JobKind.SHEET:
        from vtm.media.sheet import make_sheet

        data = make_sheet(source, info, params, name=source.name, size_bytes=source.stat().st_size, progress=progress)
        return {main_file(kind, params): data}
    if kind is JobKind.STORYBOARD:
        from vtm.media.storyboard import make_storyboard

        return make_storyboard(source, info, params, url_prefix=url_prefix, progress=progress)
    if kind is JobKind.PREVIEW:
        from vtm.media.preview import make_preview

        return make_preview(source, info, params, progress=progress)
    if kind is JobKind.SCENES:
        from vtm.media.scenes import make_scenes

        return make_scenes(source, info, params, progress=progress)
    raise ValueError(f"no files for job kind {kind}")


def _output(task: Task, progress: Progress) -> str:
    from vtm.media.probe import probe

    source = Path(task.source)
    info = probe(source)
    files = render_files(task.kind, source, info, task.params, url_prefix=f"/api/jobs/{task.job_id}/files/",
                         progress=progress)
    dest = Path(task.dest)
    write_folder(dest, files, staging_root(dest))
    progress(1.0)
    return str(dest / main_file(task.kind, task.params))


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
    JobKind.SHEET: _output,
    JobKind.STORYBOARD: _output,
    JobKind.PREVIEW: _output,
    JobKind.SCENES: _output,
    JobKind.CRASH: _crash,
    JobKind.HANG: _hang,
    JobKind.HOG: _hog,
}


POSTER_WIDTH = 480
POSTER_MAX_HEIGHT = 960


def inspect(source: str, poster: str, limits: Any = None) -> Any:
    """Probe an upload and write its poster frame (the automatic choice, 480 px wide).
    Returns the VideoInfo; raises Unsupported when it is not a usable video, TooLarge
    when its header declares more than `limits` (checked before decoding)."""
    from vtm.media.limits import check_header
    from vtm.media.probe import probe
    from vtm.media.render import encode, fit
    from vtm.media.thumbnail import pick_frame

    if limits is not None:
        check_header(Path(source), limits)
    info = probe(Path(source))
    frame = pick_frame(Path(source), "auto", info.duration)
    h, w = frame.image.shape[:2]
    width, height = POSTER_WIDTH, max(2, round(POSTER_WIDTH * h / w))
    if height > POSTER_MAX_HEIGHT:  # a very tall video: bound the height, not only the width
        width, height = max(2, round(POSTER_MAX_HEIGHT * w / h)), POSTER_MAX_HEIGHT
    with full_as_error(Path(poster).parent, "while writing the poster frame"):
        write_atomic(Path(poster), encode(fit(frame.image, width, height, "stretch"), "jpg", 82))
    return info
