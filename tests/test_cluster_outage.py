"""The cluster gone for longer than a minute, at start and mid-run, under the real server
(VTM_EXECUTOR=ray): the server keeps serving, /api/health says "unreachable", queued jobs
stay QUEUED and nothing is FAILED for it (the Ray driver child, which Ray ends after 60 s
without its GCS, is restarted meanwhile); the jobs run when the cluster is back."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import media
from tests.api_server import LiveServer
from tests.cluster import LocalCluster
from tests.cluster_api import completions, hang, jobs_of, ray_env, upload, wait_all, wait_running
from tests.cluster_jobs import leftovers

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]  # one Ray cluster at a time (conftest.py)
OUTAGE_S = 65.0  # longer than Ray's 60 s GCS reconnect limit


def cluster_state(client: httpx.Client) -> dict[str, Any]:
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["executor"] == "ray"
    return dict(health.json()["cluster"])


def hold_out(client: httpx.Client, seconds: float, queued: list[int], running: list[int]) -> None:
    """Through an outage: the server answers, says unreachable; queued jobs stay QUEUED,
    the ones that ran wait; none fails."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = cluster_state(client)
        assert state["state"] == "unreachable" and state["reason"], state
        jobs = jobs_of(client, queued + running)
        assert [jobs[i]["status"] for i in queued] == ["QUEUED"] * len(queued), jobs
        assert all(jobs[i]["status"] == "RUNNING" for i in running), jobs
        assert client.get("/api/jobs", params={"status": "FAILED"}).json() == []
        time.sleep(2.0)


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


def test_jobs_wait_through_outages_longer_than_a_minute(tmp_path: Path) -> None:
    clip = media.clip(tmp_path / "clip.mp4", width=320, height=240, seconds=2.0)
    cluster = LocalCluster()  # its port is chosen; nothing listens there yet
    server = LiveServer(tmp_path / "data", **ray_env(cluster)).start(timeout=180)
    try:
        with server.client() as client:
            # 1. Down at start: the server serves, uploads work (probed here), jobs wait.
            assert wait_for(lambda: cluster_state(client)["state"] == "unreachable", 30)
            assert "cannot reach the Ray head" in cluster_state(client)["reason"]
            video = upload(client, clip)
            first = [client.post(f"/api/thumbnails/{video['id']}/{w}/0").json()["id"] for w in (96, 112, 128)]
            hold_out(client, OUTAGE_S, queued=first, running=[])
            cluster.start(workers=2)
            jobs = wait_all(client, first, timeout=240)
            assert {job["status"] for job in jobs.values()} == {"COMPLETED"}
            state = cluster_state(client)
            assert (state["state"], state["nodes"], state["cpus"]) == ("up", 3, 2)

            # 2. Gone mid-run: every process of every node killed while two jobs run.
            sleepers = [hang(client, video["id"], 4.0 + i / 100)["id"] for i in range(2)]
            wait_running(client, sleepers, 2)
            cluster.stop()
            later = [client.post(f"/api/thumbnails/{video['id']}/144/0").json()["id"]]  # asked for meanwhile
            assert wait_for(lambda: cluster_state(client)["state"] == "unreachable", 30), "the status still says up"
            hold_out(client, OUTAGE_S, queued=later, running=sleepers)
            cluster.start(workers=2)
            jobs = wait_all(client, sleepers + later, timeout=240)
            assert {job["status"] for job in jobs.values()} == {"COMPLETED"}
            assert all(jobs[i]["attempts"] == 2 for i in sleepers), jobs
        assert all(completions(server.log()).get(i) == 1 for i in first + sleepers + later)
    finally:
        server.stop(timeout=60)
        cluster.close()
    assert server.errors() == []
    assert leftovers(server.data_dir) == []
