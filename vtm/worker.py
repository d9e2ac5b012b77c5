"""Workers: claim the oldest QUEUED job, run it through the executor, record the result.

Threads sleep on an Event until a job arrives (no polling loop). `run_once()` and
`drain()` run jobs synchronously in the caller (tests, CLI, benchmarks). On start,
jobs a dead process left RUNNING are requeued, up to `max_attempts` starts each.

With a gate (`slots`, the Ray cluster's free CPUs), a worker claims a job only when
the executor can start it now: while the cluster is unreachable, jobs stay QUEUED.

A job ends COMPLETED, FAILED (with the reason, also "disk full") or gone with its
video: deleting a video cancels its running jobs, and a job whose video vanished is
removed, not left FAILED. What a stopped render left half-written is removed.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtm import kinds, tasks
from vtm.config import Settings
from vtm.errors import DiskFull, NotFound
from vtm.executors.base import CallFailed, Cancelled, Executor, Interrupted
from vtm.files import DataDir
from vtm.models import Job, JobNode, JobStatus
from vtm.store import Store

log = logging.getLogger(__name__)
# Progress is written (and published) at most this often per job, and not at all for a job
# shorter than this: each write is a DuckDB commit on the workers' hot path.
PROGRESS_EVERY_S = 0.5
# While the disk is full: how often to try again (claims, statuses kept in memory).
FULL_RETRY_S = 1.0
# While the gate is closed (the cluster is unreachable or busy): how often to look again.
SLOT_RETRY_S = 1.0
Slots = Callable[[], int | None]  # jobs the executor may run at once now; None: as many as there are workers


class WorkerPool:
    def __init__(self, store: Store, data: DataDir, settings: Settings, executor: Executor, *,
                 slots: Slots | None = None) -> None:
        self.store, self.data, self.settings, self.executor = store, data, settings, executor
        self._slots = slots
        self._slot_lock = threading.Lock()
        self._in_flight = 0
        self._gated = False  # a worker waits for a slot: wake the workers when a job ends
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._cancelled: set[int] = set()
        self._full_since: float | None = None

    # -- lifecycle ----------------------------------------------------------------
    def recover(self) -> tuple[list[int], list[int]]:
        requeued, failed = self.store.recover_running(self.settings.max_attempts)
        if requeued or failed:
            log.warning("recovered after a crash: %d job(s) requeued, %d failed", len(requeued), len(failed))
        return requeued, failed

    def start(self, count: int) -> None:
        self._stopping.clear()
        for i in range(count):
            thread = threading.Thread(target=self._loop, name=f"vtm-worker-{i + 1}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("started %d worker(s)", count)

    def stop_taking(self) -> None:
        """Workers finish (or are interrupted in) their current job and take no more."""
        self._stopping.set()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_taking()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def notify(self) -> None:
        self._wake.set()

    def cancel(self, job_ids: list[int]) -> None:
        """Stop these jobs if they run (their video was deleted): the decoder working on
        one is replaced, what it wrote is removed, nothing is recorded."""
        self._cancelled.update(job_ids)

    # -- running jobs ---------------------------------------------------------------
    def run_once(self) -> Job | None:
        """Claim and run one job in this thread; returns it finished, or None if none waits."""
        job = self.store.claim_next()
        if job is None:
            return None
        try:
            return self._run(job)
        except DiskFull:
            raise  # the loop waits for room; a RUNNING job left here is requeued on the next start
        except Exception as exc:  # a bug: the job fails with the traceback, it does not stay RUNNING
            log.exception("job %s: unexpected error", job.id)
            return self._record_failure(job, f"VTM failed on this job ({exc or type(exc).__name__}); "
                                        "the server log has the details.", traceback.format_exc())

    def drain(self) -> list[Job]:
        done = []
        while (job := self.run_once()) is not None:
            done.append(job)
        return done

    def _take_slot(self) -> bool:
        with self._slot_lock:
            limit = self._slots() if self._slots is not None else None
            if limit is not None and self._in_flight >= limit:
                self._gated = True
                return False
            self._in_flight += 1
            return True

    def _give_slot(self) -> None:
        with self._slot_lock:
            self._in_flight -= 1
            gated, self._gated = self._gated, False
        if gated:
            self._wake.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            if not self._take_slot():
                self._wake.wait(timeout=SLOT_RETRY_S)
                continue
            try:
                unsaved = self.store.flush_unsaved()
                job = self.run_once()
            except DiskFull as exc:
                self._disk_full(exc)
                self._wake.wait(timeout=FULL_RETRY_S)
                continue
            except Exception:
                log.exception("worker loop error; continuing")
                time.sleep(1)
                continue
            finally:
                self._give_slot()
            if self._full_since is not None:
                log.info("the disk has room again; jobs go on")
                self._full_since = None
            if job is None:
                self._wake.wait(timeout=FULL_RETRY_S if unsaved else 60)

    def _disk_full(self, exc: DiskFull) -> None:
        if self._full_since is None:
            self._full_since = time.monotonic()
            log.warning("workers wait: %s", exc.message)

    def _run(self, job: Job) -> Job:
        started = time.monotonic()
        try:
            video = self.store.get_video(job.video_id)
        except NotFound:
            self.store.discard_job(job.id)  # its video was deleted: the job goes with it
            log.info("job %s: its video %s is gone; the job is removed", job.id, job.video_id)
            return job
        dest = self.output_path(job)
        task = tasks.Task(job.id, job.kind, job.options, str(self.data.absolute(video.path)), video.duration, str(dest))
        try:
            output = self.executor.call(tasks.run, task, timeout=self.timeout_for(video.duration),
                                        progress=self._progress(job.id), cancelled=lambda: job.id in self._cancelled,
                                        placed=self._placed(job))  # a cluster says where each attempt runs
        except Interrupted:
            self.data.remove_partials(dest)
            log.info("job %s: stopped by shutdown; back in the queue", job.id)
            return self.store.release(job.id)
        except Cancelled:
            self._discard(job, dest)
            log.info("job %s: stopped, its video was deleted; what it wrote is removed", job.id)
            return job
        except CallFailed as failure:
            self.data.remove_partials(dest)
            log.warning("job %s (%s, video %s) failed: %s", job.id, job.kind, job.video_id, failure.message)
            return self._record_failure(job, failure.message, failure.traceback)
        finally:
            self._cancelled.discard(job.id)
        if Path(output) not in (dest, dest / Path(output).name):  # a result for another job: refused
            log.warning("job %s: the decoder returned %s, not an output of this job; refused", job.id, output)
            self.data.remove_partials(dest)
            return self._record_failure(job, "The decoder returned another job's output; it was refused. Retry this job.", None)
        try:
            finished = self.store.mark_completed(job.id, self.data.relative(Path(output)))
        except NotFound:
            # The video (and its jobs) were deleted while this ran: drop what it made.
            self._discard(job, dest)
            log.info("job %s: its video was deleted while it ran; output removed", job.id)
            return job
        except DiskFull as exc:
            # The output is whole but the database cannot say so: remove it (a retry makes it again).
            self._discard(job, dest)
            return self._record_failure(job, exc.message, None)
        log.info("job %s: %s of video %s in %.0f ms", job.id, job.kind, job.video_id, (time.monotonic() - started) * 1000)
        return finished

    def _record_failure(self, job: Job, message: str, traceback: str | None) -> Job:
        try:
            return self.store.mark_failed(job.id, message, traceback)
        except NotFound:
            self.store.discard_job(job.id)
            return job

    def _discard(self, job: Job, dest: Path) -> None:
        self.data.remove_partials(dest)
        kinds.get(job.kind).remove_output(self.data, job.id, job.video_id, job.options)

    def _progress(self, job_id: int) -> tasks.Progress:
        last = [time.monotonic()]

        def report(value: float) -> None:
            now = time.monotonic()
            if value < 1.0 and now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                if self.store.set_progress(job_id, value) is None:
                    raise Cancelled(f"job {job_id} was deleted")

        return report

    def _placed(self, job: Job) -> Callable[[Any], None]:
        """Record the node of each attempt (an object with node_id, ip, name, attempt: a
        vtm.cluster Placement) and count the attempts Ray made after the claim."""

        def record(where: Any) -> None:
            node = JobNode(str(where.node_id), str(where.ip), str(where.name))
            try:
                self.store.set_placement(job.id, node, job.attempts + max(0, int(where.attempt) - 1))
            except Exception as exc:  # noqa: BLE001 - where it runs is shown, not needed for the result
                log.warning("job %s: could not record its node (%s)", job.id, exc)

        return record

    def output_path(self, job: Job) -> Path:
        return kinds.get(job.kind).output_path(self.data, job.id, job.video_id, job.options)

    def timeout_for(self, duration: float | None) -> float:
        if self.settings.job_timeout_s > 0:
            return self.settings.job_timeout_s
        return max(120.0, 60.0 + 0.5 * (duration or 0.0))


def is_finished(job: Job) -> bool:
    return job.status in (JobStatus.COMPLETED, JobStatus.FAILED)
