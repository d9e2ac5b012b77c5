"""The thread that fingerprints videos as they arrive and stores the pairs each forms.

A video's fingerprint is compared with every stored one when it is saved (`duplicates_of`
over the library), and the pairs it forms are stored with it, in one transaction: the
list of duplicates is then a read, however large the library. Videos without a
fingerprint (added while this was off, or by the CLI) are queued when it starts.
`compute` is given by the service: it decodes in a child process and returns None when
the video cannot be fingerprinted now (gone, or the server is stopping).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from vtm.duplicates.finder import duplicates_of

if TYPE_CHECKING:
    from vtm.duplicates.finder import Duplicate
    from vtm.media.fingerprint import Fingerprint

log = logging.getLogger(__name__)


class IndexStore(Protocol):
    def load_fingerprints(self) -> dict[int, Fingerprint]: ...
    def videos_without_fingerprint(self) -> list[int]: ...
    def save_fingerprint_and_pairs(self, video_id: int, fingerprint: Fingerprint, pairs: list[Duplicate]) -> bool: ...


class Indexer:
    def __init__(self, store: IndexStore, compute: Callable[[int], Fingerprint | None]) -> None:
        self._store = store
        self._compute = compute
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._queued: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, video_id: int) -> None:
        with self._lock:
            if video_id in self._queued:
                return
            self._queued.add(video_id)
        self._queue.put(video_id)

    def start(self) -> None:
        for video_id in self._store.videos_without_fingerprint():
            self.add(video_id)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="vtm-fingerprints", daemon=True)
        self._thread.start()

    def stop_taking(self) -> None:
        self._stop.set()
        self._queue.put(None)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_taking()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self) -> int:
        """Index every queued video now, in this thread (burst mode); returns how many."""
        done = 0
        while True:
            try:
                video_id = self._queue.get_nowait()
            except queue.Empty:
                return done
            if video_id is not None:
                self.index(video_id)
                done += 1

    def _loop(self) -> None:
        while not self._stop.is_set():
            video_id = self._queue.get()
            if video_id is None or self._stop.is_set():
                return
            try:
                self.index(video_id)
            except Exception:
                log.exception("video %s: fingerprinting failed", video_id)

    def index(self, video_id: int) -> list[Duplicate] | None:
        """Fingerprint one video and store the pairs it forms; None when it was not."""
        with self._lock:
            self._queued.discard(video_id)
        found = self._compute(video_id)
        if found is None:
            return None
        started = time.perf_counter()
        library = self._store.load_fingerprints()
        library[video_id] = found
        pairs = duplicates_of(video_id, library) if len(found) else []
        if not self._store.save_fingerprint_and_pairs(video_id, found, pairs):
            return None  # deleted meanwhile
        log.info("video %s: fingerprinted (%d frames); %d duplicate pair(s) among %d videos in %.2f s", video_id,
                 len(found), len(pairs), len(library), time.perf_counter() - started)
        return pairs
