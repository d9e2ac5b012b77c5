"""In-process publish/subscribe of job changes, for server-sent events and live pages.

Every change gets a sequence number; the last `keep` events stay in a ring so that a
client reconnecting with `Last-Event-ID` receives what it missed. Event ids carry the
bus's boot stamp (`<boot>.<seq>`), so an id from before a restart is recognised as
such instead of silently skipping the new process's first events.

Threads wait with `wait()`; coroutines with `next_batch()`, which never ties up a
thread. `close()` wakes every waiter for good (server shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from vtm.models import Job

# What a client may send back as Last-Event-ID: `<boot>.<seq>` as sent, or a bare number.
EVENT_ID = re.compile(r"[0-9a-z]{1,16}\.[0-9]{1,18}|[0-9]{1,18}")


@dataclass(frozen=True)
class Event:
    seq: int
    data: dict[str, Any]


class EventBus:
    def __init__(self, keep: int = 20_000) -> None:
        self._events: deque[Event] = deque(maxlen=keep)
        self._seq = 0
        self._cond = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.boot = format(time.time_ns() // 1_000_000, "x")
        self.closed = False

    @property
    def last_seq(self) -> int:
        return self._seq

    def event_id(self, event: Event) -> str:
        return f"{self.boot}.{event.seq}"

    def resume_point(self, last_event_id: str | None) -> int:
        """The sequence number to continue after, from a client's `Last-Event-ID`:
        the same boot resumes where it stopped; an id from an earlier process (or a
        bare number from one) replays all this process still holds; none means now."""
        if not last_event_id:
            return self._seq
        boot, _, seq = last_event_id.strip().rpartition(".")
        if boot == self.boot and seq.isascii() and seq.isdigit() and len(seq) <= 18:
            return min(int(seq), self._seq)
        return 0

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
            waiters = list(self._waiters)
        _wake(waiters)
        return event

    def since(self, seq: int) -> list[Event]:
        with self._cond:
            return [e for e in self._events if e.seq > seq]

    def wait(self, seq: int, timeout: float) -> list[Event]:
        """Events after `seq`, waiting up to `timeout` seconds for the first one."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq or self.closed, timeout=timeout)
            return [e for e in self._events if e.seq > seq]

    async def next_batch(self, seq: int, timeout: float) -> list[Event] | None:
        """Events after `seq`, waiting up to `timeout` seconds for the first one
        without a thread; None once the bus is closed."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._cond:
            if self.closed:
                return None
            if self._seq > seq:
                return [e for e in self._events if e.seq > seq]
            self._waiters.add(entry)
        try:
            await asyncio.wait_for(entry[1].wait(), timeout)
        except TimeoutError:
            pass
        finally:
            with self._cond:
                self._waiters.discard(entry)
        return None if self.closed else self.since(seq)

    def close(self) -> None:
        """Wake every waiter and make streams end (the server is stopping)."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()
            waiters = list(self._waiters)
        _wake(waiters)


def _wake(waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]) -> None:
    for loop, flag in waiters:
        # A loop that closed since the waiter registered has nobody left to wake.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(flag.set)
