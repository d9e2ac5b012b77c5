"""Events handed over by any thread and published by one thread of its own.

A worker that finishes a job only puts the event in a queue; this thread writes its
delivery rows (`registry.publish`) and wakes the deliverer, so the workers never wait
for the database or a receiver. Before `start()` (burst mode: tests, the CLI) an event
is published at once, in the caller's thread. `stop()` publishes what is still queued.
What a kill -9 leaves in the queue is lost here; a job's end or a video's addition is
published again at the next start from its row (`Background.announce_missed`).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from vtm.webhooks import registry
from vtm.webhooks.model import EventType

log = logging.getLogger(__name__)


class Event(NamedTuple):
    type: EventType
    data: Mapping[str, Any]
    id: str | None = None  # a new one when None
    at: datetime | None = None  # when it happened (the body's timestamp); now when None


class Outbox:
    def __init__(self, store: registry.WebhookStore, wake: Callable[[], None] | None = None) -> None:
        self._store = store
        self._wake = wake
        self._queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def put(self, event: Event) -> None:
        if self._thread is None:
            self._publish(event)
        else:
            self._queue.put(event)

    def publish_now(self, event: Event) -> None:
        """Write the event's delivery rows in the caller's thread, before it goes on."""
        self._publish(event)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="vtm-webhook-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _loop(self) -> None:
        while (event := self._queue.get()) is not None:
            self._publish(event)

    def _publish(self, event: Event) -> None:
        try:
            registry.publish(self._store, event.type, event.data, self._wake, event_id=event.id, at=event.at)
        except Exception:
            log.exception("webhooks: the %s event could not be queued", event.type)
