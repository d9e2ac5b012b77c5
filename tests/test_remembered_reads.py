"""The Jobs page and the sidebar ask the store the same questions every second, for every
open tab; the store answers a question asked again before any write from memory
(`Rows._remembered`), as it does the Insights page's figures. What must hold: an answer is never older than the last write that
ended before the question, whatever was written (a new job, a status, a deleted video)."""

from __future__ import annotations

import threading
from pathlib import Path

from vtm import assembly
from vtm.config import Settings
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import InsightFilter, JobKind, JobStatus


def test_a_repeated_question_is_answered_from_memory_until_the_next_write(tmp_path: Path, videos: dict[str, Path]) -> None:
    with assembly.build(Settings(data_dir=tmp_path / "data", isolation="thread"), start_workers=False) as rt:
        svc, store = rt.service, rt.store
        video = svc.add_local_file(videos["landscape"])
        every = svc.job_filter()
        first = svc.job_page(every)
        assert first.jobs == [] and first is svc.job_page(every)  # nothing written between: the same answer

        job, _ = store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=160, height=90))
        queued = svc.job_page(every)
        assert [(j.id, j.status) for j in queued.jobs] == [(job.id, JobStatus.QUEUED)]
        assert svc.job_counts()[JobStatus.QUEUED] == 1

        store.claim_next()
        assert svc.job_page(every).jobs[0].status is JobStatus.RUNNING
        assert svc.job_counts()[JobStatus.RUNNING] == 1 and svc.job_counts()[JobStatus.QUEUED] == 0
        # the caller's copy of the counts is its own
        counts = svc.job_counts()
        counts[JobStatus.RUNNING] = 99
        assert svc.job_counts()[JobStatus.RUNNING] == 1

        assert store.figures("failures", InsightFilter()).rows == []  # asked, so remembered
        store.mark_failed(job.id, "Timed out after 300 s")
        assert [row[1] for row in store.figures("failures", InsightFilter()).rows] == [1]
        failed = svc.job_page(svc.job_filter(status="failed"))
        assert [j.error for j in failed.jobs] == ["Timed out after 300 s"] and failed.counts[JobStatus.FAILED] == 1
        assert svc.job_page(svc.job_filter(status="completed")).jobs == []

        svc.delete_video(video.id)
        assert svc.job_page(every).jobs == [] and sum(svc.job_counts().values()) == 0


def test_answers_follow_writes_made_while_others_read(tmp_path: Path, videos: dict[str, Path]) -> None:
    """Four readers ask all the time while one thread adds 60 jobs: after each write has
    ended, the next answer counts it."""
    with assembly.build(Settings(data_dir=tmp_path / "data", isolation="thread"), start_workers=False) as rt:
        svc, store = rt.service, rt.store
        video = svc.add_local_file(videos["landscape"])
        stop = threading.Event()

        def read() -> None:
            # a breath between questions: four threads spinning on answers from memory held
            # the GIL so that the 60 writes took 30 s (a convoy no page makes)
            while not stop.wait(0.001):
                svc.job_page(svc.job_filter())
                svc.job_counts()

        readers = [threading.Thread(target=read) for _ in range(4)]
        for reader in readers:
            reader.start()
        stale = []
        try:
            for n in range(1, 61):
                store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=100 + n, height=90))
                seen = svc.job_page(svc.job_filter())
                if seen.total != n or svc.job_counts()[JobStatus.QUEUED] != n:
                    stale.append((n, seen.total))
        finally:
            stop.set()
            for reader in readers:
                reader.join()
        assert stale == []
