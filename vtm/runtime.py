"""The one running VTM of a process: settings, data folder, store, events, executors and
workers, built together and reached by pages, routes and the CLI through `current()`."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from vtm.config import Settings
from vtm.errors import NotFound
from vtm.events import EventBus
from vtm.executor import InlineExecutor, ProcessExecutor
from vtm.files import DataDir, remove_tree
from vtm.models import Job, JobStatus
from vtm.store import Store
from vtm.worker import Executor, WorkerPool

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    data: DataDir
    store: Store
    events: EventBus
    jobs_executor: Executor
    ingest_executor: Executor
    workers: WorkerPool
    started_threads: int = 0
    closed: bool = field(default=False)

    def close(self) -> None:
        """Stop in an order that loses nothing: workers stop taking jobs, the decoders
        are stopped (a job cut short goes back to the queue), then the store closes."""
        if self.closed:
            return
        self.closed = True
        self.events.close()
        self.workers.stop_taking()
        self.jobs_executor.close()
        self.ingest_executor.close()
        self.workers.stop()
        self.store.close()


_lock = threading.Lock()
_holder: dict[str, Runtime] = {}


def build(settings: Settings, *, start_workers: bool = True) -> Runtime:
    """Open the data folder and start what runs in the background. With
    `start_workers=False` nothing runs until `runtime.workers.drain()` (burst mode)."""
    data = DataDir(settings.data_dir)
    events = EventBus()
    store = Store(data.database)
    left = data.clear_tmp() + sweep_orphans(data, store)
    if left:
        log.warning("removed %d unfinished or orphaned file(s) from %s", left, data.root)
    isolated = settings.isolation == "process"
    count = settings.worker_count
    jobs_executor: Executor = ProcessExecutor(count, settings.job_memory_mb) if isolated else InlineExecutor()
    ingest_executor: Executor = ProcessExecutor(1, settings.job_memory_mb) if isolated else InlineExecutor()
    workers = WorkerPool(store, data, settings, jobs_executor)
    runtime = Runtime(settings, data, store, events, jobs_executor, ingest_executor, workers)

    def on_change(job: Job) -> None:
        events.publish_job(job)
        if job.status is JobStatus.QUEUED:
            workers.notify()

    store.add_listener(on_change)
    workers.recover()
    if start_workers:
        workers.start(count)
        runtime.started_threads = count
    return runtime


def sweep_orphans(data: DataDir, store: Store) -> int:
    """Remove what a process killed mid-write left outside data/tmp: half-written files
    (`.*.part`), the folder of an upload killed between probing and its row, outputs
    of jobs or videos whose rows are gone. Returns how many entries went."""
    count = 0
    for part in data.root.glob("videos/*/.*.part"):
        part.unlink(missing_ok=True)
        count += 1
    for folder, exists in (("videos", store.get_video), ("outputs", store.get_job)):
        for entry in (data.root / folder).iterdir():
            if entry.is_dir() and not _row_exists(exists, entry.name):
                remove_tree(entry)
                count += 1
    for thumb in (data.root / "thumbnails").glob("thumbnail_*"):
        video_id = thumb.name.split("_")[1]
        if not _row_exists(store.get_video, video_id):
            thumb.unlink(missing_ok=True)
            count += 1
    return count


def _row_exists(get: Callable[[int], object], name: str) -> bool:
    if not name.isdigit():
        return True  # not ours to judge: leave it
    try:
        get(int(name))
    except NotFound:
        return False
    return True


def start(settings: Settings | None = None, *, start_workers: bool = True) -> Runtime:
    """Build the process's runtime and make it current."""
    with _lock:
        if "current" in _holder and not _holder["current"].closed:
            return _holder["current"]
        runtime = build(settings or Settings.from_env(), start_workers=start_workers)
        _holder["current"] = runtime
        return runtime


def current() -> Runtime:
    with _lock:
        runtime = _holder.get("current")
    if runtime is None or runtime.closed:
        raise RuntimeError("VTM is not started: run `streamlit run app.py` or call vtm.runtime.start().")
    return runtime


def stop() -> None:
    with _lock:
        runtime = _holder.pop("current", None)
    if runtime is not None:
        runtime.close()
