"""The event bus: sequence numbers, resuming by Last-Event-ID, waiting without a thread,
waking on publish from another thread, and ending every wait on close."""

from __future__ import annotations

import asyncio
import threading

import pytest

from vtm.events import EventBus


def test_resume_point_from_last_event_id() -> None:
    bus = EventBus()
    first = bus.publish({"n": 1})
    bus.publish({"n": 2})
    assert bus.resume_point(None) == 2  # a new client starts from now
    assert bus.resume_point(bus.event_id(first)) == 1  # same process: continue after it
    assert [e.data["n"] for e in bus.since(bus.resume_point(bus.event_id(first)))] == [2]
    assert bus.resume_point("0123.99") == 0  # an id from an earlier process: replay what is kept
    assert bus.resume_point("garbage") == 0
    assert bus.resume_point(f"{bus.boot}.999") == 2  # never past the present


def test_the_ring_keeps_the_last_events() -> None:
    bus = EventBus(keep=3)
    for n in range(5):
        bus.publish({"n": n})
    assert [e.seq for e in bus.since(0)] == [3, 4, 5]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_next_batch_wakes_on_a_publish_from_another_thread() -> None:
    bus = EventBus()
    threading.Timer(0.05, bus.publish, args=({"n": 1},)).start()
    batch = await asyncio.wait_for(bus.next_batch(0, timeout=10), 5)
    assert batch is not None and [e.data for e in batch] == [{"n": 1}]
    assert not bus._waiters, "a finished wait left its waiter behind"


@pytest.mark.anyio
async def test_next_batch_times_out_empty_and_close_ends_waits() -> None:
    bus = EventBus()
    assert await bus.next_batch(0, timeout=0.05) == []
    threading.Timer(0.05, bus.close).start()
    assert await asyncio.wait_for(bus.next_batch(0, timeout=10), 5) is None
    assert await bus.next_batch(0, timeout=10) is None  # closed stays closed


@pytest.mark.anyio
async def test_a_cancelled_wait_leaves_no_waiter() -> None:
    bus = EventBus()
    task = asyncio.ensure_future(bus.next_batch(0, timeout=10))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not bus._waiters


def test_thread_wait_returns_on_close() -> None:
    bus = EventBus()
    threading.Timer(0.05, bus.close).start()
    assert bus.wait(0, timeout=10) == []
