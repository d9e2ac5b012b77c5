"""`GET /api/events` over the real server: a COMPLETED event arrives, a reconnect with
`Last-Event-ID` gets the rest again, and Ctrl-C does not wait for open streams."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api_server import LiveServer, client_for, serve_module


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve_module(tmp_path_factory, "events")


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    yield from client_for(server)


@pytest.fixture(scope="module")
def clip(client: httpx.Client, videos: dict[str, Path]) -> dict[str, Any]:
    response = client.post("/api/videos", files={"video": ("events.mp4", videos["landscape"].read_bytes())})
    assert response.status_code == 201, response.text
    return response.json()


def read_events(client: httpx.Client, until: Any, headers: dict[str, str] | None = None, timeout: float = 30,
                path: str = "/api/events") -> list[dict[str, Any]]:
    """Parse the stream until `until(events)` is true."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    deadline = time.monotonic() + timeout
    with client.stream("GET", path, headers=headers or {}, timeout=timeout) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("id: "):
                current["id"] = line[4:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and current:
                events.append(current)
                current = {}
                if until(events):
                    return events
            assert time.monotonic() < deadline, f"no matching event in {timeout} s: {events}"
    raise AssertionError(f"the stream ended early: {events}")


def test_events_report_completion_and_resume_with_last_event_id(client: httpx.Client, server: LiveServer,
                                                               clip: dict[str, Any]) -> None:
    job: dict[str, Any] = {}

    def request_later() -> None:
        time.sleep(0.5)
        job.update(client.post(f"/api/thumbnails/{clip['id']}/33/0").json())

    threading.Thread(target=request_later).start()
    events = read_events(client, lambda evs: any(e["data"]["status"] == "COMPLETED" and e["data"]["id"] == job.get("id")
                                                 for e in evs))
    mine = [e for e in events if e["data"]["id"] == job["id"]]
    assert [e["data"]["status"] for e in mine][-1] == "COMPLETED"
    assert mine[0]["data"]["status"] == "QUEUED" and mine[-1]["data"]["progress"] == 1.0
    assert {"id", "kind", "video_id", "status", "progress"} <= set(mine[-1]["data"])

    # Reconnect after the first event: the rest is sent again, in order, with the same ids.
    resumed = read_events(client, lambda evs: len(evs) >= len(events) - 1, headers={"Last-Event-ID": events[0]["id"]})
    assert [e["id"] for e in resumed] == [e["id"] for e in events[1:]]
    by_query = read_events(client, lambda evs: len(evs) >= len(events) - 1, path=f"/api/events?since={events[0]['id']}")
    assert [e["id"] for e in by_query] == [e["id"] for e in events[1:]]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stopping_with_an_open_event_stream_is_prompt(tmp_path: Path, sig: int) -> None:
    live = LiveServer(tmp_path / "data").start()
    try:
        with live.client() as c, c.stream("GET", "/api/events") as stream:
            assert stream.status_code == 200
            took = live.stop(sig=sig)
            rest = list(stream.iter_lines())  # returns: the server ended the stream cleanly
            assert all(not line.startswith("data:") for line in rest)
    finally:
        live.stop()
    assert took < 5, f"{signal.Signals(sig).name} took {took:.1f} s to stop the server with an open event stream"
    assert live.errors() == []
