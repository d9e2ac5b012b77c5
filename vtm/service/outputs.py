"""Use cases of what jobs made: the files of an output, one of them by name, and the
contents of storyboards and scene lists for the pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm import kinds, parsing, urls
from vtm.errors import Conflict, InvalidInput, NotFound
from vtm.models import Job, JobKind, JobStatus
from vtm.service.base import ServiceBase


@dataclass(frozen=True)
class TileCue:
    """One cue of a storyboard: when, which sprite (its file `path` and `url`), where in it."""

    start: float
    end: float
    sprite: str
    path: Path | None
    url: str
    x: int
    y: int
    w: int
    h: int


class Outputs(ServiceBase):
    def output_file(self, job: Job) -> Path:
        """The main file a COMPLETED job made; Conflict while it is still queued or running."""
        if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            raise Conflict(f"Job {job.id} is still {job.status}; try again in a moment.", code="not_ready")
        if job.status is JobStatus.FAILED:
            raise Conflict(f"Job {job.id} FAILED: {job.error}", code="job_failed")
        if not job.output_path:
            raise NotFound(f"Job {job.id} has no output file.")
        path = self._data.absolute(job.output_path)
        if not path.is_file():
            raise NotFound(f"The output of job {job.id} is missing on disk; retry the job.")
        return path

    def output_files(self, job: Job) -> list[Path]:
        """Every file a COMPLETED job made, the main one first."""
        return kinds.get(job.kind).files_in(self.output_file(job))

    def job_file(self, job: Job, name: str) -> Path:
        """One file of a job's output by its bare name (a sprite, a scene keyframe). The
        name is only compared with the folder's listing; it never becomes a path itself."""
        for path in self.output_files(job):
            if path.name == name:
                return path
        raise NotFound(f"Job {job.id} has no file named {parsing.shown(name, 80)}.")

    def storyboard_cues(self, job: Job) -> list[TileCue]:
        """The cues of a storyboard job, with where each tile is (for a scrub slider)."""
        from vtm.media.storyboard import parse_vtt

        if job.kind is not JobKind.STORYBOARD:
            raise InvalidInput(f"Job {job.id} is a {job.kind}, not a storyboard.")
        vtt = self.output_file(job)
        if vtt.suffix != ".vtt":
            raise InvalidInput(f"Job {job.id} made a {vtt.name}, not a WebVTT storyboard.")
        files = {p.name: p for p in self.output_files(job)}
        cues = []
        for cue in parse_vtt(vtt.read_text()):
            name = cue.sprite.rsplit("/", 1)[-1]
            cues.append(TileCue(cue.start, cue.end, name, files.get(name), cue.sprite, cue.x, cue.y, cue.w, cue.h))
        return cues

    def scenes_of(self, job: Job) -> list[dict[str, Any]]:
        """The scenes a scenes job found (its JSON file's rows: number, start/end in seconds
        and as timecode, frames), each with its keyframe's file `path` and `url`."""
        if job.kind is not JobKind.SCENES:
            raise InvalidInput(f"Job {job.id} is a {job.kind}, not a scenes job.")
        files = {p.name: p for p in self.output_files(job)}
        rows: list[dict[str, Any]] = json.loads(self.output_file(job).read_text())["scenes"]
        for row in rows:
            row["path"] = files.get(row["keyframe"])
            row["url"] = urls.job_file(job.id, row["keyframe"])
        return rows
