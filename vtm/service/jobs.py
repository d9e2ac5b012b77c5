"""Use cases of jobs: asking for an output (the same request is the same job), finding
one, listing, counting and retrying them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

from vtm import kinds, parsing
from vtm.errors import InvalidInput, NotFound
from vtm.models import Job, JobKind, JobStatus
from vtm.service.base import ServiceBase

E = TypeVar("E", bound=Enum)


class Jobs(ServiceBase):
    def request_output(self, video_id: int, kind: JobKind | str, options: Mapping[str, object],
                       json_types: bool = False) -> tuple[Job, bool]:
        """The job that makes this output: the existing one for the same request, or a new
        QUEUED one. Returns (job, created). With `json_types`, options that came as JSON
        must have their JSON types (a string is not a number)."""
        found = kinds.by_name(kind, test_hooks=self._settings.test_hooks)
        if json_types:
            found.options.check_json(options)
        video = self._store.get_video(video_id)
        return self._store.enqueue_job(video.id, found.name, found.options.parse(options, video))

    def request_thumbnail(self, video_id: int, width: object, height: object, **options: object) -> Job:
        return self.request_output(video_id, JobKind.THUMBNAIL, {"width": width, "height": height, **options})[0]

    def find_output(self, video_id: int, kind: JobKind, options: Mapping[str, object]) -> Job:
        """The job for this request (as `GET /api/t` serves it); NotFound when never asked."""
        video = self._store.get_video(video_id)
        job = self._store.find_job(video.id, kind, kinds.get(kind).options.parse(options, video))
        if job is None:
            raise NotFound(f"No {kind} of video {video_id} with these options was requested; POST it first.")
        return job

    def list_jobs(self, *, status: JobStatus | str | None = None, kind: JobKind | str | None = None,
                  video_id: int | None = None, limit: int | None = 100, offset: int = 0) -> list[Job]:
        return self._store.list_jobs(status=_enum(JobStatus, status, "status"), kind=_enum(JobKind, kind, "kind"),
                                     video_id=video_id, limit=limit, offset=offset)

    def get_job(self, job_id: int) -> Job:
        return self._store.get_job(job_id)

    def retry_job(self, job_id: int) -> Job:
        return self._store.retry(job_id)

    def job_counts(self) -> dict[JobStatus, int]:
        return self._store.count_jobs_by_status()


def _enum(enum: type[E], value: object, name: str) -> E | None:
    """A filter's value: None when absent; InvalidInput listing the choices when unknown."""
    if value is None or value == "":
        return None
    try:
        return enum(value if enum is JobKind else str(value).upper())
    except ValueError:
        hidden = {kind.name for kind in kinds.KINDS.values() if kind.test_hook}
        choices = ", ".join(str(m.value) for m in enum if m not in hidden)
        raise InvalidInput(f"{name}={parsing.shown(value)}: use one of {choices}.") from None
