"""What works for the library besides the job workers, started and stopped with it:

    the watcher      vtm.watch: watched folders (VTM_WATCH and the Settings page's)
    the outbox       vtm.webhooks.outbox: events queued from any thread
    the deliverer    vtm.webhooks.deliverer: signed deliveries and their retries
    the indexer      vtm.duplicates.indexer: fingerprints and duplicate pairs

`vtm.assembly` builds one per process and starts it unless in burst mode; before
`start()`, events are published at once and fingerprints wait for `drain()`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from vtm import tasks
from vtm.duplicates.indexer import Indexer
from vtm.errors import NotFound
from vtm.executors.base import CallFailed, Cancelled, Executor, Interrupted
from vtm.models import Job, JobStatus, Video
from vtm.service.documents import job_json
from vtm.watch.state import FileState, Known, WatchEvent
from vtm.watch.watcher import FolderWatcher
from vtm.webhooks import registry
from vtm.webhooks.deliverer import Deliverer
from vtm.webhooks.model import EventType
from vtm.webhooks.outbox import Event, Outbox

if TYPE_CHECKING:
    from vtm.config import Settings
    from vtm.files import DataDir
    from vtm.media.fingerprint import Fingerprint
    from vtm.store import Store

log = logging.getLogger(__name__)
EXECUTOR_WAIT_S = 3.0  # how long a stop waits for the fingerprints' decoder process to finish starting
FINGERPRINT_TIMEOUT_S = 120.0  # plus two seconds per second of video
IDLE_POLL_S = 0.5
CATCH_UP_MARGIN = timedelta(minutes=5)  # an event is written a moment after it happens: the queue's lag, with room
CATCH_UP_ROWS = 10_000
R = TypeVar("R")


class Background:
    def __init__(self, settings: Settings, data: DataDir, store: Store, executor: Callable[[], Executor]) -> None:
        self._settings = settings
        self._data = data
        self._store = store
        self._make_executor = executor  # fingerprints decode in a process of their own, made when first needed
        self._executor: Executor | None = None
        self._executor_lock = threading.Lock()
        self._stopping = threading.Event()
        self.deliverer = Deliverer(store, retry_delays=settings.retry_delays, timeout_s=settings.webhook_timeout_s,
                                   allow_private=settings.webhooks_allow_private)
        self.outbox = Outbox(store, self.deliverer.wake)
        self.indexer = Indexer(store, self._fingerprint) if settings.duplicates else None
        self._watch_lock = threading.Lock()
        self._watcher: FolderWatcher | None = None
        self._folders: Callable[[], list[Path]] = lambda: []
        self._handle: Callable[[WatchEvent], None] = lambda _event: None
        self.started = False

    # -- life ---------------------------------------------------------------------------
    def start(self, folders: Callable[[], list[Path]], handle: Callable[[WatchEvent], None]) -> None:
        self._folders, self._handle = folders, handle
        self.started = True
        try:
            self.announce_missed()
        except Exception as exc:  # a full disk, say: the server starts anyway, and says so in the log
            log.warning("webhooks: events left from the last stop could not be queued: %s", exc)
        self.deliverer.start()
        self.outbox.start()
        if self.indexer is not None:
            self.indexer.start()
        self.watch_again()

    def stop_taking(self) -> None:
        """First step of shutting down: no new file is imported, no new fingerprint begun."""
        self.started = False
        self._stopping.set()
        with self._watch_lock:
            watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
        if self.indexer is not None:
            self.indexer.stop_taking()

    def stop(self) -> None:
        """After the workers: a fingerprint being made ends at once, queued events are
        written, deliveries being sent finish (within their time limit)."""
        self.stop_taking()
        executor = None
        # The lock is held while the fingerprints' decoder process starts. That start was seen
        # (7 times in ~150 runs of a test module) blocked in `subprocess.Popen`, waiting for the
        # child's exec although the child ran; the spawner gives up after SPAWN_WAIT_S (30 s),
        # which is too long for a stop to wait.
        if self._executor_lock.acquire(timeout=EXECUTOR_WAIT_S):
            try:
                executor, self._executor = self._executor, None
            finally:
                self._executor_lock.release()
        else:
            log.warning("the fingerprints' decoder process is still starting after %.0f s; stopping without it "
                        "(it ends with the server)", EXECUTOR_WAIT_S)
        if executor is not None:
            executor.close()
        if self.indexer is not None:
            self.indexer.stop()
        self.outbox.stop()
        self.deliverer.stop()

    # -- watch folders --------------------------------------------------------------------
    def watch_again(self) -> None:
        """(Re)start the watcher on the current folders: its catch-up scan imports what
        arrived, and marks missing what left, while it was not watching."""
        if not self.started:
            return
        with self._watch_lock:
            if self._watcher is not None:
                self._watcher.stop()
                self._watcher = None
            folders = self._folders()
            if not folders:
                return
            s = self._settings
            known = {path: Known(FileState(size, mtime), missing)
                     for path, (_video, size, mtime, missing) in self._store.watched_files().items()}
            self._watcher = FolderWatcher(folders, self._handle, known, stable_s=s.watch_stable_s, force_polling=s.watch_poll,
                                          poll_ms=s.watch_poll_ms, rescan_s=s.watch_rescan_s)
            self._watcher.start()
            log.info("watching %s", ", ".join(str(f) for f in folders))

    # -- events -------------------------------------------------------------------------
    def publish_now(self, event_type: EventType, data: Mapping[str, Any]) -> None:
        """An event no row records afterwards (a video deleted): written before the caller
        goes on, as a catch-up after a kill -9 could not find it (`announce_missed`)."""
        self.outbox.publish_now(Event(event_type, data))

    def job_changed(self, job: Job) -> None:
        """A job changed (in a worker's thread): its end becomes an event, queued only,
        under that end's own id (`registry.row_event_id`)."""
        ended = _job_end(job)
        if ended is not None:
            self.outbox.put(ended)

    def video_added(self, video: Video) -> None:
        self.outbox.put(_video_added(video) or Event(EventType.VIDEO_ADDED, video.to_dict()))

    def announce_missed(self) -> int:
        """At start: events that were queued in memory but never written (the server was
        killed between a job's end, or a video's addition, and its delivery rows) are
        published now, under the same ids as the live ones, to the endpoints that wanted
        them and existed then; an event already written keeps its row and is not written
        again. Looked for from a little before the newest such event written (or the
        oldest endpoint that wants them), at most CATCH_UP_ROWS rows."""
        return (self._catch_up((EventType.JOB_COMPLETED, EventType.JOB_FAILED), self._store.jobs_ended_since, _job_end)
                + self._catch_up((EventType.VIDEO_ADDED,), self._store.videos_added_since, _video_added))

    def _catch_up(self, types: tuple[EventType, ...], rows_since: Callable[[datetime, int], Sequence[R]],
                  event_of: Callable[[R], Event | None]) -> int:
        hooks = [w for w in self._store.list_webhooks() if set(w.events) & set(types)]
        if not hooks:
            return 0
        newest = self._store.newest_event_at(types)
        since = newest - CATCH_UP_MARGIN if newest else min(w.created_at or datetime.min for w in hooks)
        written = self._store.event_ids_since(types, since - CATCH_UP_MARGIN) if newest else set()
        published = 0
        for row in rows_since(since, CATCH_UP_ROWS):
            event = event_of(row)
            if event is None or event.at is None:
                continue
            if any(registry.wants(w, event.type, event.at) and (w.id, event.id) not in written for w in hooks):
                registry.publish(self._store, event.type, event.data, self.deliverer.wake, event_id=event.id, at=event.at)
                published += 1
        if published:
            log.info("webhooks: %d %s event(s) not written before the last stop were queued now", published,
                     " or ".join(types))
        return published

    # -- fingerprints -------------------------------------------------------------------
    def index(self, video_id: int) -> None:
        if self.indexer is not None:
            self.indexer.add(video_id)

    def _fingerprint(self, video_id: int) -> Fingerprint | None:
        from vtm.media.fingerprint import Fingerprint

        try:
            video = self._store.get_video(video_id)
        except NotFound:
            return None
        if video.missing or not self._idle_workers():
            return None
        timeout = FINGERPRINT_TIMEOUT_S + 2 * (video.duration or 0)
        with self._executor_lock:
            if self._stopping.is_set():  # closed: no new decoder process
                return None
            if self._executor is None:
                try:
                    self._executor = self._make_executor()
                except OSError as exc:  # its decoder process did not start (SpawnTimeout): the next video tries again
                    log.warning("video %s: not fingerprinted now, the fingerprints' decoder process did not start (%s); "
                                "it is tried again when VTM next starts", video_id, exc)
                    return None
            executor = self._executor
        try:
            every_s, hashes, flat = executor.call(tasks.fingerprint, str(self._data.absolute(video.path)), video.duration,
                                                  timeout=timeout)
        except (Interrupted, Cancelled):
            return None
        except CallFailed as failure:
            # Kept as an empty fingerprint: not tried again at every start; a changed file is.
            log.warning("video %s: no fingerprint (%s); it is left out of the duplicate search", video_id, failure.message)
            return Fingerprint.of(1.0, [])
        return Fingerprint.from_blobs(every_s, hashes, flat)

    def _idle_workers(self) -> bool:
        """Wait until no job is queued or running: a fingerprint (a decode of the whole
        video, a frame a second) never delays the pictures people asked for. False when
        the server stops meanwhile. In burst mode (nothing started) there is no wait."""
        while self.started and not self._stopping.is_set():
            if not self._store.has_pending():
                return True
            self._stopping.wait(IDLE_POLL_S)
        return not self._stopping.is_set()


def _job_end(job: Job) -> Event | None:
    """A job's end as an event, with the end's own id and time (None: the job has not ended)."""
    event_type = {JobStatus.COMPLETED: EventType.JOB_COMPLETED, JobStatus.FAILED: EventType.JOB_FAILED}.get(job.status)
    if event_type is None or job.finished_at is None:
        return None
    event_id = registry.row_event_id(event_type, job.id, job.attempts, job.finished_at.isoformat())
    return Event(event_type, job_json(job), event_id, job.finished_at)


def _video_added(video: Video) -> Event | None:
    if video.created_at is None:
        return None
    event_id = registry.row_event_id(EventType.VIDEO_ADDED, video.id, video.created_at.isoformat())
    return Event(EventType.VIDEO_ADDED, video.to_dict(), event_id, video.created_at)
