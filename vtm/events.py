"""In-process publish/subscribe of job changes, for server-sent events and live pages.

Every change gets a sequence number; the last `keep` events stay in a ring so that a
client reconnecting with `Last-Event-ID` receives what it missed.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from vtm.models import Job


@dataclass(frozen=True)
class Event:
    seq: int
    data: dict[str, Any]


class EventBus:
    def __init__(self, keep: int = 20_000) -> None:
        self._events: deque[Event] = deque(maxlen=keep)
        self._seq = 0
        self._cond = threading.Condition()

    @property
    def last_seq(self) -> int:
        return self._seq

    def publish_job(self, job: Job) -> Event:
        return self.publish(
            {
                "id": job.id,
                "kind": str(job.kind),
                "video_id": job.video_id,
                "status": str(job.status),
                "progress": round(job.progress, 3),
                "error": job.error,
            }
        )

    def publish(self, data: dict[str, Any]) -> Event:
        with self._cond:
            self._seq += 1
            event = Event(self._seq, data)
            self._events.append(event)
            self._cond.notify_all()
        return event

    def since(self, seq: int) -> list[Event]:
        with self._cond:
            return [e for e in self._events if e.seq > seq]

    def wait(self, seq: int, timeout: float) -> list[Event]:
        """Events after `seq`, waiting up to `timeout` seconds for the first one."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq, timeout=timeout)
            if self._seq <= seq:
                return []
            return [e for e in self._events if e.seq > seq]
