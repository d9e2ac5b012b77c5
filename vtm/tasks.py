"""What runs in the decoder child (or on a cluster node): plain picklable tasks.

`run(task, progress)` makes one job's output with its kind's runner (`vtm.kinds`) and
writes it so that nobody sees half of it: a single file is renamed into place; a folder
is written in a staging folder under data/tmp and renamed onto data/outputs/<job_id>/
only when complete, so a failed or killed job leaves no partial output (data/tmp is
emptied on start). `inspect` probes an upload and writes its poster frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vtm import kinds, urls
from vtm.disk import full_as_error
from vtm.errors import NotFound
from vtm.files import poster_choice_beside, staging_root, write_atomic, write_folder
from vtm.kinds.base import Make
from vtm.models import JobKind, JobOptions, VideoInfo

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Task:
    job_id: int
    kind: JobKind
    options: JobOptions
    source: str
    duration: float | None
    dest: str  # a file for single-file kinds (thumbnails), a folder for the others


def run(task: Task, progress: Progress) -> str:
    """Do the task; returns the path of the main output file."""
    from vtm.media.decoder import decode_threads

    kind = kinds.get(task.kind)
    if kind.run is not None:
        return kind.run(task, progress)
    if not Path(task.source).is_file():
        raise NotFound(f"The video file {task.source} is missing (moved or deleted after it was imported?); "
                       "put it back or delete the video and add it again.")
    dest = Path(task.dest)
    # "No space left" while writing is DiskFull naming the folder, not "Could not process the video".
    with decode_threads(1), full_as_error(dest.parent, "while writing this output"):
        made = Make(Path(task.source), task.options, task.duration, url_prefix=urls.job_files_prefix(task.job_id),
                    progress=progress)
        files = kind.make(made)
        if kind.single_file:
            write_atomic(dest, next(iter(files.values())))
            output = dest
        else:
            write_folder(dest, files, staging_root(dest))
            output = dest / kind.main(task.options)
    progress(1.0)
    return str(output)


POSTER_WIDTH = 480
POSTER_MAX_HEIGHT = 960


def inspect(source: str, poster: str, limits: object = None) -> VideoInfo:
    """Probe an upload and write its poster frame (the automatic choice, 480 px wide).
    Returns the VideoInfo; raises Unsupported when it is not a usable video, TooLarge
    when its header declares more than `limits` (checked before decoding)."""
    import json

    from vtm.media.choose import pick_explained
    from vtm.media.limits import Limits, check_header
    from vtm.media.picture import covering
    from vtm.media.probe import probe
    from vtm.media.render import encode, fit

    if isinstance(limits, Limits):
        check_header(Path(source), limits)
    info = probe(Path(source))
    frame, choice = pick_explained(Path(source), info.duration, size=covering(POSTER_WIDTH, 0))  # candidates read small
    h, w = frame.image.shape[:2]
    width, height = POSTER_WIDTH, max(2, round(POSTER_WIDTH * h / w))
    if height > POSTER_MAX_HEIGHT:  # a very tall video: bound the height, not only the width
        width, height = max(2, round(POSTER_MAX_HEIGHT * w / h)), POSTER_MAX_HEIGHT
    with full_as_error(Path(poster).parent, "while writing the poster frame"):
        write_atomic(Path(poster), encode(fit(frame.image, width, height, "stretch"), "jpg", 82))
        write_atomic(poster_choice_beside(Path(poster)), json.dumps(choice.to_json()).encode())
    return info


def warm_up() -> None:
    """Load the decoders and image libraries (PyAV, OpenCV) before the first call, so a
    call's time limit measures the call, not the imports."""
    import vtm.media.frames
    import vtm.media.probe
    import vtm.media.render
    import vtm.media.thumbnail  # noqa: F401

    # A child is one job on one core (the pool has one per core; tasks decode with one
    # thread): 1 worker used 1.2 cores per job and 2 workers scaled 1.4x, not 1.7x.
    vtm.media.render.one_core()


def fingerprint(source: str, duration: float | None) -> tuple[float, bytes, bytes]:
    """The near-duplicate fingerprint of a video (`vtm.media.fingerprint`), as
    (every_s, hashes, flat marks) bytes that pickle small."""
    from vtm.media.decoder import decode_threads
    from vtm.media.fingerprint import fingerprint_file

    if not Path(source).is_file():
        raise NotFound(f"The video file {source} is missing.")
    with decode_threads(1):
        found = fingerprint_file(Path(source), duration)
    hashes, flat = found.to_blobs()
    return found.every_s, hashes, flat
