"""The one running VTM of a process: settings, data folder, store, events, executors and
workers, built together and reached by pages, routes and the CLI through `current()`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from vtm import doctor
from vtm.config import Settings
from vtm.events import EventBus
from vtm.executors.base import Executor
from vtm.executors.inline import InlineExecutor
from vtm.executors.process import ProcessExecutor
from vtm.files import DataDir, unusable
from vtm.models import Job, JobStatus
from vtm.store import Store
from vtm.worker import WorkerPool

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


def build(settings: Settings, *, start_workers: bool = True, report: bool = True) -> Runtime:
    """Open the data folder and start what runs in the background. With
    `start_workers=False` nothing runs until `runtime.workers.drain()` (burst mode).
    A data folder that cannot be used raises one typed error (DataFolderError,
    StoreLocked, DiskFull) whose message says what to do. `report=False` leaves the
    folder check out of the log (`vtm doctor` prints it itself)."""
    data = DataDir(settings.data_dir)
    events = EventBus()
    store = Store(data.database)
    try:
        prepare(data, store, report=report)
    except OSError as exc:
        store.close()
        raise unusable(data.root, exc) from None
    except BaseException:
        store.close()
        raise
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
    try:
        workers.recover()
    except BaseException:
        runtime.close()
        raise
    if start_workers:
        workers.start(count)
        runtime.started_threads = count
    return runtime


def prepare(data: DataDir, store: Store, *, report: bool = True) -> None:
    """What start-up does to the data folder. It removes only what VTM's own unfinished
    writes left (by their names); files the database does not know are left where they
    are and reported (`vtm doctor` lists them, `--repair` registers or moves them aside),
    since a missing or older database would otherwise look like an empty library."""
    removed = data.clear_unfinished()
    if removed:
        log.info("removed %d unfinished temporary file(s) from %s", removed, data.root)
    migrate_uploads(data, store)
    inventory = data.inventory()
    store.advance_ids(*inventory.highest_ids())
    if not report:
        return
    found = doctor.examine(data, store, inventory, thorough=False)
    if not found.ok:
        log.warning("the data folder %s and its database disagree: %s. Nothing was deleted; `vtm doctor` lists "
                    "them and `vtm doctor --repair` registers lost videos again and moves unknown files aside.",
                    data.root, found.summary())


def migrate_uploads(data: DataDir, store: Store) -> int:
    """Move uploads from beside the poster (folders made before `source/`) into
    `source/`. Safe to stop at any point: a file already moved is only re-pointed."""
    moved = 0
    for video in store.list_videos():
        if video.imported:
            continue
        old = data.absolute(video.path)
        new = data.upload_path(video.id, old.name)
        if old == new or old.parent != data.video_dir(video.id):
            continue
        if old.is_file():
            data.move_into_source(video.id, old)
        if new.is_file():
            store.set_video_path(video.id, data.relative(new))
            moved += 1
    if moved:
        log.info("moved %d upload(s) into their video's source/ folder", moved)
    return moved


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
