"""The cluster gone for longer than a minute, at start and mid-run: the executor says
"unreachable", calls wait (none fails), the Ray driver child is restarted (a driver
that loses the GCS ends itself after 60 s), and the calls run when the cluster is back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import media
from tests.cluster import HEAD_IP, LocalCluster
from vtm import tasks
from vtm.cluster import Placement, RayExecutor
from vtm.cluster.supervisor import Backoff
from vtm.kinds.hooks import HookOptions
from vtm.kinds.moment import AUTO
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind
from vtm.tasks import Task

pytestmark = pytest.mark.slow
OUTAGE_S = 65.0  # longer than Ray's 60 s GCS reconnect limit


class Calls:
    """Calls run in their own threads, as the worker pool runs them."""

    def __init__(self, executor: RayExecutor) -> None:
        self.executor = executor
        self.results: dict[int, Any] = {}
        self.failures: dict[int, BaseException] = {}
        self.placed: dict[int, list[Placement]] = {}
        self.threads: list[threading.Thread] = []

    def start(self, task: Task, timeout: float = 120) -> None:
        def run() -> None:
            try:
                self.results[task.job_id] = self.executor.call(
                    tasks.run, task, timeout=timeout, progress=lambda _: None,
                    placed=lambda where: self.placed.setdefault(task.job_id, []).append(where))
            except BaseException as exc:  # recorded and asserted on by the test
                self.failures[task.job_id] = exc

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self.threads), "calls still waiting after the cluster came back"


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def hold_out(executor: RayExecutor, calls: Calls, seconds: float, until: Callable[[], bool]) -> None:
    """Through an outage: always unreachable, nothing done, nothing failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not until():
        assert executor.status().state == "unreachable", executor.status()
        assert executor.status().describe() == "cluster unreachable — jobs wait"
        assert not calls.failures and not calls.results
        assert time.monotonic() < deadline + 60, "the driver child was never restarted"
        time.sleep(1.0)


def test_calls_wait_through_outages_longer_than_a_minute(tmp_path: Path) -> None:
    clip = media.clip(tmp_path / "clip.mp4", width=320, height=240, seconds=2.0)
    thumbs = tmp_path / "thumbnails"
    thumbs.mkdir()

    def thumbnail(job_id: int) -> Task:
        options = ThumbnailOptions(width=160, height=90, at=AUTO)
        return Task(job_id, JobKind.THUMBNAIL, options, str(clip), 2.0, str(thumbs / f"t{job_id}.jpg"))

    cluster = LocalCluster()  # its port is chosen; nothing listens there yet
    executor = RayExecutor(cluster.address, node_ip=HEAD_IP, backoff=Backoff(0.5, 5.0))
    try:
        # 1. Down at start.
        calls = Calls(executor)
        for job_id in (1, 2, 3):
            calls.start(thumbnail(job_id))
        assert wait_for(lambda: executor.status().state == "unreachable", 15)
        assert "cannot reach the Ray head" in (executor.status().reason or "")
        hold_out(executor, calls, OUTAGE_S, until=lambda: True)
        assert executor.driver_starts >= 4, "the driver child is restarted with backoff while the cluster is away"
        cluster.start(workers=2)
        calls.join(120)
        assert not calls.failures
        assert {job: Path(out).name for job, out in calls.results.items()} == {1: "t1.jpg", 2: "t2.jpg", 3: "t3.jpg"}
        assert executor.status().state == "up"

        # 2. Gone mid-run: every process of every node killed while two calls run.
        calls = Calls(executor)
        for job_id in (11, 12):
            calls.start(Task(job_id, JobKind.HANG, HookOptions(seconds=4.0), "", None, f"done-{job_id}"))
        assert wait_for(lambda: len(calls.placed) == 2, 60), "the calls did not start"
        starts = executor.driver_starts
        cluster.stop()
        calls.start(thumbnail(13))  # asked for during the outage
        assert wait_for(lambda: executor.status().state == "unreachable", 15), "the status still says up"
        hold_out(executor, calls, OUTAGE_S, until=lambda: executor.driver_starts > starts)
        cluster.start(workers=2)
        calls.join(120)
        assert not calls.failures
        assert calls.results == {11: "done-11", 12: "done-12", 13: str(thumbs / "t13.jpg")}
        assert all(where[-1].attempt == 2 for job, where in calls.placed.items() if job in (11, 12)), calls.placed
        assert executor.status().to_dict()["nodes"] == 3
    finally:
        executor.close()
        cluster.close()
