"""Jobs for the cluster tests: real tasks (vtm.tasks.run) of every media kind on
generated clips, and a comparison of what two data folders hold, picture by picture."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

from vtm import kinds
from vtm.files.layout import POSTER_CHOICE_NAME
from vtm.kinds.options import Options
from vtm.media.probe import probe
from vtm.models import JobKind
from vtm.tasks import Task

MEDIA_KINDS = (JobKind.THUMBNAIL, JobKind.SHEET, JobKind.STORYBOARD, JobKind.PREVIEW, JobKind.SCENES)
PICTURES = (".jpg", ".png", ".webp", ".gif")


def params(kind: JobKind, i: int) -> dict[str, object]:
    """Options that differ from call to call, so that each output is its own."""
    if kind is JobKind.THUMBNAIL:
        fmt = ("jpg", "png", "webp")[i % 3]
        return dict(width=96 + 16 * i, height=0 if i % 2 else 72, at=("auto", "25%", "0.5")[i % 3], format=fmt)
    if kind is JobKind.SHEET:
        return dict(columns=2 + i % 2, rows=2, width=80 + 8 * i, format=("jpg", "png")[i % 2])
    if kind is JobKind.STORYBOARD:
        return dict(every=0.5 + 0.1 * (i % 3), width=48, columns=4, rows=2)
    if kind is JobKind.PREVIEW:
        return dict(width=64 + 8 * (i % 3), moments=2, seconds=0.4, fps=5)
    return dict(width=64 + 16 * (i % 2))


def options(kind: JobKind, i: int, clip: Path) -> Options:
    """The request `params(kind, i)` checked for `clip`, as the service checks it."""
    return kinds.parse(kind, params(kind, i), probe(clip))


def media_tasks(count: int, root: Path, clips: list[Path], durations: dict[Path, float]) -> list[Task]:
    tasks = []
    for i in range(count):
        kind = MEDIA_KINDS[i % len(MEDIA_KINDS)]
        clip = clips[i % len(clips)]
        job_id = 1000 + i
        p = options(kind, i // len(MEDIA_KINDS), clip)
        fmt = p.to_json().get("format")
        dest = root / "thumbnails" / f"thumbnail_{job_id}.{fmt}" if kind is JobKind.THUMBNAIL else root / "outputs" / str(job_id)
        tasks.append(Task(job_id, kind, p, str(clip), durations[clip], str(dest)))
    return tasks


def rebase(task: Task, old: Path, new: Path) -> Task:
    return replace(task, dest=str(new / Path(task.dest).relative_to(old)))


def files_of(dest: Path) -> dict[str, bytes]:
    if dest.is_file():
        return {dest.name: dest.read_bytes()}
    return {path.name: path.read_bytes() for path in sorted(dest.iterdir())}


def frames(data: bytes) -> list[np.ndarray]:
    with Image.open(io.BytesIO(data)) as image:
        return [np.asarray(frame.convert("RGBA")) for frame in ImageSequence.Iterator(image)]


def differences(ours: Path, theirs: Path) -> list[str]:
    """What differs between two outputs: file names, pictures pixel by pixel, other files byte by byte."""
    a, b = files_of(ours), files_of(theirs)
    if sorted(a) != sorted(b):
        return [f"{ours}: files {sorted(a)} != {sorted(b)}"]
    found = []
    for name in a:
        if name.endswith(PICTURES):
            fa, fb = frames(a[name]), frames(b[name])
            if len(fa) != len(fb) or any(x.shape != y.shape or not np.array_equal(x, y) for x, y in zip(fa, fb, strict=False)):
                found.append(f"{ours}/{name}: pixels differ")
        elif a[name] != b[name]:
            found.append(f"{ours}/{name}: bytes differ")
    return found


def leftovers(root: Path) -> list[Path]:
    """Half-written files or staging folders anywhere under a data folder."""
    return [path for path in root.rglob("*") if path.name.endswith(".part")
            or (path.name.startswith(".") and path.name != POSTER_CHOICE_NAME)] + \
        [path for path in (root / "tmp").iterdir()]
