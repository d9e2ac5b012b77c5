"""Use cases of pictures that are URLs (Mux-style image URLs, media server exports): the
same request as the POST API (hence the same job and file), asked at high priority, and
waited for up to a limit so that the first request can answer with the picture."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from vtm import kinds
from vtm.models import Job, JobKind, Video
from vtm.service.base import ServiceBase

URGENT = 10  # the queue priority of a picture someone is waiting for


class Images(ServiceBase):
    def request_urgent(self, video: Video | int, kind: JobKind, options: Mapping[str, object]) -> Job:
        """The job for this request (the POST API's, when it was asked that way), moved
        ahead of the queue when it still waits. A finished one is found with a read alone
        (the cached picture's path: no write, no lock)."""
        found = kinds.get(kind)
        shape = self._store.get_video(video) if isinstance(video, int) else video
        checked = found.options.parse(options, shape)
        existing = self._store.find_job(shape.id, found.name, checked)
        if existing is not None and existing.status.finished:
            return existing
        return self._store.enqueue_job(shape.id, found.name, checked, URGENT)[0]

    async def wait_for_job(self, job: Job, timeout: float) -> Job:
        """The job once finished (COMPLETED or FAILED), or as it is after `timeout` seconds.
        Waits on the event bus, without holding a thread."""
        deadline = time.monotonic() + timeout
        seq = self._events.last_seq
        job = await asyncio.to_thread(self._store.get_job, job.id)
        while not job.status.finished:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            batch = await self._events.next_batch(seq, left)
            if batch is None:  # shutting down
                break
            if batch:
                seq = batch[-1].seq
                if any(event.data.get("id") == job.id for event in batch):
                    job = await asyncio.to_thread(self._store.get_job, job.id)
        return job
