"""The real server (`streamlit run app.py`, VTM_EXECUTOR=ray) on a real Ray cluster on this
machine (a 0-CPU head, two 1-CPU worker nodes): 40 jobs of every kind through the API all
COMPLETED with the local executor's pictures, each with its node, both nodes used, never
more jobs in flight than the cluster's CPUs; a worker node killed with SIGKILL mid-run and
the server killed with SIGKILL mid-run lose nothing and run nothing twice."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import media
from tests.api_server import LiveServer
from tests.cluster import LocalCluster
from tests.cluster_api import completions, distinct, hang, ray_env, request, upload, wait_all, wait_running
from tests.cluster_jobs import MEDIA_KINDS, differences, leftovers
from vtm import kinds, tasks
from vtm.files import DataDir
from vtm.models import JobKind

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]  # one Ray cluster at a time (conftest.py)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    local = LocalCluster().start(workers=2)
    yield local
    local.close()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("ray-clips")
    return [media.clip(folder / "a.mp4", width=320, height=240, seconds=2.0),
            media.clip(folder / "b.mkv", width=256, height=144, seconds=3.0),
            media.with_black_intro(folder / "c.mp4")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, cluster: LocalCluster) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("ray-server") / "data", **ray_env(cluster)).start(timeout=180)
    yield live
    live.stop(timeout=60)
    assert live.errors() == []


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def local_output(job: dict[str, Any], clip: Path, duration: float, server_root: Path, ref_root: Path) -> Path:
    """The same job made by the local executor (in this process), in `ref_root`."""
    kind = JobKind(job["kind"])
    options = kinds.decode(kind, job["params"])
    theirs = kinds.get(kind).output_path(DataDir(server_root), job["id"], job["video_id"], options)
    ours = ref_root / theirs.relative_to(server_root)
    for folder in ("tmp", "thumbnails", "outputs"):
        (ref_root / folder).mkdir(parents=True, exist_ok=True)
    tasks.run(tasks.Task(job["id"], kind, options, str(clip), duration, str(ours)), lambda _: None)
    return ours


def test_health_says_ray_and_counts_the_cluster(client: httpx.Client) -> None:
    deadline = time.monotonic() + 120
    while (health := client.get("/api/health").json())["cluster"]["state"] != "up":
        assert time.monotonic() < deadline, health
        time.sleep(0.5)
    assert health["executor"] == "ray"
    assert {k: health["cluster"][k] for k in ("state", "nodes", "cpus")} == {"state": "up", "nodes": 3, "cpus": 2}


def test_forty_jobs_of_every_kind_complete_on_both_nodes_with_the_local_pictures(
        client: httpx.Client, server: LiveServer, cluster: LocalCluster, clips: list[Path], tmp_path: Path) -> None:
    videos = [upload(client, clip) for clip in clips]
    requested = []
    for i in range(40):
        kind, clip_index = MEDIA_KINDS[i % len(MEDIA_KINDS)], i % len(clips)
        requested.append((request(client, videos[clip_index]["id"], kind, distinct(kind, i // len(MEDIA_KINDS))), clip_index))
    ids = [job["id"] for job, _ in requested]
    assert len(set(ids)) == 40
    jobs = wait_all(client, ids, timeout=600)
    assert {job["status"] for job in jobs.values()} == {"COMPLETED"}, [j["error"] for j in jobs.values() if j["error"]]
    workers = {cluster.node_id(name): name for name in cluster.workers}
    used = {job["node"]["id"] for job in jobs.values()}
    assert used == set(workers), f"jobs ran on {used}, the workers are {workers}"
    for job in jobs.values():
        name = workers[job["node"]["id"]]
        assert job["node"] == {"id": cluster.node_id(name), "ip": f"127.0.0.{name.rsplit('-', 1)[1]}", "name": name}
        assert job["attempts"] == 1
    found = []
    for job, clip_index in requested:
        ours = local_output(jobs[job["id"]], clips[clip_index], videos[clip_index]["duration"], server.data_dir, tmp_path)
        theirs = server.data_dir / (ours.relative_to(tmp_path))
        found += differences(theirs, ours)
    assert found == []
    assert completions(server.log()).keys() >= set(ids)
    assert all(completions(server.log())[i] == 1 for i in ids)


def test_a_worker_node_killed_mid_run_loses_no_job(client: httpx.Client, server: LiveServer, cluster: LocalCluster,
                                                    clips: list[Path]) -> None:
    video = upload(client, clips[0], "killed-node.mp4")  # the same server as the test above: another name
    sleepers = [hang(client, video["id"], 3.0 + i / 100)["id"] for i in range(4)]
    pictures = [request(client, video["id"], kind, distinct(kind, 20 + i))["id"] for i, kind in enumerate(MEDIA_KINDS * 2)]
    running = wait_running(client, sleepers, 2)
    victim = next(name for name in cluster.workers if cluster.node_id(name) == running[0]["node"]["id"])
    lost = [job["id"] for job in running if job["node"]["id"] == cluster.node_id(victim)]
    cluster.kill_worker(victim)
    cluster.add_worker()  # a machine comes back (a new node)
    ids = sleepers + pictures
    # Until Ray sees the killed node dead, it counts its CPU too: 3 at most.
    jobs = wait_all(client, ids, timeout=300, cpus=3)
    assert {job["status"] for job in jobs.values()} == {"COMPLETED"}, [j["error"] for j in jobs.values() if j["error"]]
    for job_id in lost:
        assert jobs[job_id]["attempts"] >= 2, jobs[job_id]
        assert jobs[job_id]["node"]["name"] != victim
    assert all(completions(server.log()).get(i) == 1 for i in ids), completions(server.log())
    assert leftovers(server.data_dir) == []


def test_the_server_killed_mid_run_loses_nothing_and_runs_nothing_twice(
        tmp_path: Path, cluster: LocalCluster, clips: list[Path]) -> None:
    data = tmp_path / "data"
    first = LiveServer(data, **ray_env(cluster)).start(timeout=180)
    try:
        with first.client() as c:
            # The test before killed a node: until Ray marks it dead it still counts its CPU, and a
            # third job could be claimed for two CPUs. Start once the cluster is two CPUs again.
            deadline = time.monotonic() + 120
            while (health := c.get("/api/health").json())["cluster"].get("cpus") != 2:
                assert time.monotonic() < deadline, health
                time.sleep(0.5)
            video = upload(c, clips[1])
            ids = [hang(c, video["id"], 4.0 + i / 100)["id"] for i in range(3)]
            ids += [request(c, video["id"], kind, distinct(kind, 30 + i))["id"] for i, kind in enumerate(MEDIA_KINDS)]
            running = wait_running(c, ids, 2)
    finally:
        first.stop(sig=signal.SIGKILL)
    second = LiveServer(data, **ray_env(cluster)).start(timeout=180)
    try:
        with second.client() as c:
            jobs = wait_all(c, ids, timeout=300)
            everything = c.get("/api/jobs", params={"limit": 1000}).json()
    finally:
        second.stop(timeout=60)
    assert sorted(job["id"] for job in everything) == sorted(ids), "jobs were lost or added"
    assert {job["status"] for job in jobs.values()} == {"COMPLETED"}, [j["error"] for j in jobs.values() if j["error"]]
    for job in running:
        assert jobs[job["id"]]["attempts"] == 2, jobs[job["id"]]
    done_first, done_second = completions(first.log()), completions(second.log())
    assert not set(done_first) & set(done_second), "a job completed before the kill and again after it"
    assert all(done_first.get(i, 0) + done_second.get(i, 0) == 1 for i in ids)
    assert second.errors() == []
    assert leftovers(data) == []
