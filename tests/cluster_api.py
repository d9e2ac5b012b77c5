"""The real server with VTM_EXECUTOR=ray, for the cluster tests: its environment, and
requests and waits through its API."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx

from tests.cluster import HEAD_IP, LocalCluster
from tests.cluster_jobs import params
from vtm.models import JobKind

DONE = ("COMPLETED", "FAILED")


def ray_env(cluster: LocalCluster) -> dict[str, str]:
    return {"VTM_EXECUTOR": "ray", "RAY_ADDRESS": cluster.address, "VTM_RAY_NODE_IP": HEAD_IP, "VTM_WORKERS": "0",
            "VTM_TEST_HOOKS": "1"}


def distinct(kind: JobKind, i: int) -> dict[str, object]:
    """Options of the cluster tests' jobs, a different width for each `i` (so, a job each)."""
    options = params(kind, i)
    options["width"] = int(str(options["width"])) + 2 * i
    return options


def upload(client: httpx.Client, clip: Path, name: str = "") -> dict[str, Any]:
    response = client.post("/api/videos", files={"video": (name or clip.name, clip.read_bytes())})
    assert response.status_code == 201, response.text
    return dict(response.json())


def request(client: httpx.Client, video_id: int, kind: JobKind, options: dict[str, object]) -> dict[str, Any]:
    response = client.post(f"/api/videos/{video_id}/outputs", json={"kind": str(kind), **options})
    assert response.status_code in (200, 202), response.text
    return dict(response.json())


def hang(client: httpx.Client, video_id: int, seconds: float) -> dict[str, Any]:
    return request(client, video_id, JobKind.HANG, {"seconds": seconds})


def jobs_of(client: httpx.Client, ids: list[int]) -> dict[int, dict[str, Any]]:
    listed = client.get("/api/jobs", params={"limit": 1000}).json()
    return {job["id"]: job for job in listed if job["id"] in ids}


def wait_all(client: httpx.Client, ids: list[int], timeout: float, cpus: int = 2) -> dict[int, dict[str, Any]]:
    """Until every job ended; on the way, never more RUNNING than the cluster's CPUs."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = jobs_of(client, ids)
        running = [job for job in client.get("/api/jobs", params={"status": "RUNNING"}).json()]
        assert len(running) <= cpus, f"{len(running)} jobs RUNNING on a cluster of {cpus} CPUs"
        if len(jobs) == len(ids) and all(job["status"] in DONE for job in jobs.values()):
            return jobs
        assert time.monotonic() < deadline, {i: (j["status"], j["attempts"]) for i, j in jobs.items()}
        time.sleep(0.5)


def wait_running(client: httpx.Client, ids: list[int], count: int, timeout: float = 120) -> list[dict[str, Any]]:
    """Until `count` of these jobs run with their node recorded."""
    deadline = time.monotonic() + timeout
    while True:
        running = [job for job in jobs_of(client, ids).values() if job["status"] == "RUNNING" and job["node"]]
        if len(running) >= count:
            return running
        assert time.monotonic() < deadline, "the jobs did not start on the cluster"
        time.sleep(0.2)


def completions(log: str) -> dict[int, int]:
    """How many times the server's log says each job completed."""
    counts: dict[int, int] = {}
    for match in re.finditer(r"job (\d+): \w+ of video \d+ in \d+ ms", log):
        counts[int(match[1])] = counts.get(int(match[1]), 0) + 1
    return counts
