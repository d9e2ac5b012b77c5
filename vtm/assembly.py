"""Building VTM: Settings -> data folder -> store -> events -> executors -> workers ->
Service, started and stopped in one place. Used by the web lifespan, the CLI's library
commands, the benchmark and the tests; nothing else builds these parts.

    with assembly.build(Settings.from_env()) as vtm:
        vtm.service.list_videos()

`build(..., start_workers=False)` runs nothing in the background: jobs run when
`vtm.workers.drain()` is called, fingerprints when `vtm.background.indexer.drain()` is,
webhook events are queued at once and sent by the next server (burst mode, for tests
and the CLI); no folder is watched.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, cast

from vtm import startup
from vtm.config import Settings
from vtm.events import EventBus
from vtm.executors.base import Executor
from vtm.executors.inline import InlineExecutor
from vtm.executors.process import ProcessExecutor
from vtm.files import DataDir, unusable
from vtm.models import Job, JobStatus
from vtm.service import Service
from vtm.service.background import Background
from vtm.service.running import HOLDER
from vtm.store import Store
from vtm.worker import WorkerPool

if TYPE_CHECKING:
    from vtm.cluster import RayExecutor

log = logging.getLogger(__name__)
# How long a stop waits for the start-up check (it reads the store being closed).
CHECK_WAIT_S = 60.0
WARM_UP = "vtm.tasks:warm_up"  # what a decoder child loads before it says ready
# With VTM_EXECUTOR=ray and VTM_WORKERS=0: worker threads, each waiting on one job of the
# cluster; how many run at once is the cluster's CPUs (the pool's gate), up to this.
RAY_WORKER_THREADS = 64


@dataclass
class Assembly:
    """The parts of one running VTM. Faces get `service` only; the other parts are here
    for start-up, shutdown and tests."""

    settings: Settings
    data: DataDir
    store: Store
    events: EventBus
    jobs_executor: Executor
    ingest_executor: Executor
    workers: WorkerPool
    service: Service
    background: Background
    started_threads: int = 0
    check: threading.Thread | None = None  # the start-up check of the data folder, run beside the server
    closed: bool = field(default=False)

    def install(self) -> Assembly:
        """Make this the process's running Service (`vtm.service.current()`): the pages
        and the API's routes find it there."""
        HOLDER.install(self.service)
        return self

    def close(self) -> None:
        """Stop in an order that loses nothing: workers stop taking jobs, the decoders
        are stopped (a job cut short goes back to the queue), then the store closes."""
        if self.closed:
            return
        self.closed = True
        HOLDER.uninstall(self.service)
        self.events.close()
        self.background.stop_taking()
        self.workers.stop_taking()
        self.jobs_executor.close()
        self.ingest_executor.close()
        self.workers.stop()
        self.background.stop()
        if self.check is not None:
            self.check.join(CHECK_WAIT_S)
        self.store.close()

    def __enter__(self) -> Assembly:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def executors(settings: Settings) -> tuple[Executor, Executor]:
    """(the jobs' executor, the executor for uploads and pictures), as the settings say.
    With VTM_EXECUTOR=ray the jobs run on the cluster; uploads are still probed here."""
    if settings.executor_kind == "ray":
        cluster = ray_executor(settings)  # first: a bad setting leaves no decoder process behind
        local = ProcessExecutor(1, settings.job_memory_mb, WARM_UP) if settings.isolation == "process" else InlineExecutor()
        return cluster, local
    if settings.isolation == "process":
        memory = settings.job_memory_mb
        return ProcessExecutor(settings.worker_count, memory, WARM_UP), ProcessExecutor(1, memory, WARM_UP)
    return InlineExecutor(), InlineExecutor()


def ray_executor(settings: Settings) -> RayExecutor:
    from vtm.cluster import RayExecutor
    from vtm.cluster.pathmap import PathMap

    PathMap.parse(settings.path_map)  # a malformed map is refused at start, not on a node
    return RayExecutor(settings.ray_address.strip(), memory_mb=settings.job_memory_mb,
                       max_retries=max(0, settings.max_attempts - 1), node_ip=settings.ray_node_ip.strip() or None)


def worker_threads(settings: Settings) -> int:
    """Worker threads to start: VTM_WORKERS, or 0 = one per core (locally) or as many as the
    cluster has CPUs (with Ray, up to RAY_WORKER_THREADS)."""
    if settings.executor_kind == "ray" and settings.workers <= 0:
        return RAY_WORKER_THREADS
    return settings.worker_count


def fingerprint_executor(settings: Settings) -> Executor:
    """One decoder process of its own for fingerprints (made when the first is needed),
    so that a long video's fingerprint never holds a worker's process."""
    if settings.isolation == "process":
        return ProcessExecutor(1, settings.job_memory_mb, WARM_UP)
    return InlineExecutor()


def build(settings: Settings, *, start_workers: bool = True, report: bool = True) -> Assembly:
    """Open the data folder and start what runs in the background. A data folder that
    cannot be used raises one typed error (DataFolderError, StoreLocked, DiskFull) whose
    message says what to do. `report=False` leaves the folder check out of the log
    (`vtm doctor` prints it itself)."""
    data = DataDir(settings.data_dir)
    events = EventBus()
    store = Store(data.database)
    try:
        inventory = startup.prepare(data, store)
    except OSError as exc:
        store.close()
        raise unusable(data.root, exc) from None
    except BaseException:
        store.close()
        raise
    try:
        jobs_executor, ingest_executor = executors(settings)
    except BaseException:
        store.close()
        raise
    cluster = cast("RayExecutor", jobs_executor) if settings.executor_kind == "ray" else None
    workers = WorkerPool(store, data, settings, jobs_executor, slots=cluster.slots if cluster is not None else None)
    service = Service(settings=settings, data=data, store=store, events=events, ingest=ingest_executor, workers=workers,
                      cluster=cluster)
    background = Background(settings, data, store, lambda: fingerprint_executor(settings))
    service.attach(background)
    built = Assembly(settings, data, store, events, jobs_executor, ingest_executor, workers, service, background)
    if report:
        built.check = threading.Thread(target=startup.report, args=(data, store, inventory), name="vtm-startup-check",
                                       daemon=True)
        built.check.start()

    def on_change(job: Job) -> None:
        events.publish_job(job)
        if job.status is JobStatus.QUEUED:
            workers.notify()
        background.job_changed(job)

    store.add_listener(on_change)
    try:
        workers.recover()
    except BaseException:
        built.close()
        raise
    if start_workers:
        built.started_threads = worker_threads(settings)
        workers.start(built.started_threads)
        try:
            background.start(service.watched_paths, service.handle_watch_event)
        except BaseException:
            built.close()
            raise
    return built
