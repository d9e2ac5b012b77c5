"""`GET /api/events`: job changes as server-sent events.

Each event is `id: <boot>.<seq>`, `event: job`, `data: {"id","kind","video_id","status",
"progress","error"}`. A client that reconnects with `Last-Event-ID` gets what it missed.
The stream waits on the event bus without holding a thread, ends when the client goes
away (Starlette cancels it) and when the server is asked to stop: uvicorn waits for open
responses before it runs the lifespan's shutdown, so a stream that only ended there
would make Ctrl-C hang. `watch_shutdown()` therefore chains onto SIGINT/SIGTERM and
closes the bus, which ends every stream at once.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import AsyncIterator
from types import FrameType
from typing import Any

from vtm.events import EventBus

HEARTBEAT_S = 15.0
RETRY_MS = 2000


def stream(bus: EventBus, last_event_id: str | None, heartbeat_s: float = HEARTBEAT_S) -> AsyncIterator[str]:
    """The text of the event stream, from just after `last_event_id`."""
    seq = bus.resume_point(last_event_id)

    async def lines() -> AsyncIterator[str]:
        nonlocal seq
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            batch = await bus.next_batch(seq, heartbeat_s)
            if batch is None:
                return
            if not batch:
                yield ": keep-alive\n\n"
                continue
            for event in batch:
                seq = event.seq
                yield f"id: {bus.event_id(event)}\nevent: job\ndata: {json.dumps(event.data)}\n\n"

    return lines()


def watch_shutdown(bus: EventBus) -> None:
    """Close `bus` when the process gets SIGINT or SIGTERM, then let the handler that
    was there (uvicorn's) do its work. Only the main thread can set handlers; elsewhere
    (an in-process test server) the runtime's own stop ends the streams."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)
        if getattr(previous, "_vtm_bus", None) is bus or not callable(previous):
            continue
        signal.signal(sig, _chained(bus, previous))


def _chained(bus: EventBus, previous: Any) -> Any:
    def handler(sig: int, frame: FrameType | None) -> None:
        bus.close()
        previous(sig, frame)

    handler._vtm_bus = bus  # type: ignore[attr-defined]
    return handler
