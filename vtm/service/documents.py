"""The JSON of videos and jobs: one shape each, everywhere — the API's answers and the
webhooks' payloads (`data`)."""

from __future__ import annotations

from typing import Any

from vtm import urls
from vtm.models import Job, JobStatus, Video


def job_json(job: Job) -> dict[str, Any]:
    data = job.to_dict()
    if job.status is JobStatus.COMPLETED:
        data["output_url"] = urls.job_output(job.id)
    return data


def video_json(video: Video) -> dict[str, Any]:
    return video.to_dict()
