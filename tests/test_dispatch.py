"""The app as the cluster's dispatcher, without a cluster: the worker pool claims a job only
while its gate has a free slot (jobs stay QUEUED while it has none, however long); a job's
node and attempts are recorded and shown in its JSON; a database of an older version gets
the `node` column on open; /api/health says which executor runs the jobs; a bad
VTM_EXECUTOR or a Ray executor without RAY_ADDRESS is refused at start with the variable."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests import media
from tests.api_server import in_process
from tests.test_schema import old_file
from vtm import assembly
from vtm.config import Settings
from vtm.errors import InvalidInput
from vtm.kinds.hooks import HookOptions
from vtm.models import JobKind, JobNode, JobStatus
from vtm.store import Store


def test_jobs_stay_queued_while_the_gate_is_closed_and_never_exceed_its_slots(tmp_path: Path) -> None:
    slots = [0]
    settings = Settings(data_dir=tmp_path / "data", workers=4, isolation="thread", test_hooks=True)
    with assembly.build(settings, start_workers=False) as rt:
        video = rt.service.add_local_file(media.clip(tmp_path / "a.mp4", seconds=1.0))
        jobs = [rt.store.enqueue_job(video.id, JobKind.HANG, HookOptions(seconds=0.3 + i / 100))[0] for i in range(4)]
        rt.workers._slots = lambda: slots[0]  # the gate assembly gives a Ray executor: its free CPUs
        most = [0]
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                most[0] = max(most[0], rt.store.count_jobs_by_status()[JobStatus.RUNNING])
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        rt.workers.start(4)
        try:
            time.sleep(2.5)  # the gate is closed (a cluster unreachable): nothing is claimed
            assert rt.store.count_jobs_by_status()[JobStatus.QUEUED] == 4
            slots[0] = 1
            deadline = time.monotonic() + 30
            while rt.store.count_jobs_by_status()[JobStatus.COMPLETED] < 4:
                assert time.monotonic() < deadline, rt.store.count_jobs_by_status()
                time.sleep(0.05)
        finally:
            stop.set()
            watcher.join()
        assert most[0] == 1, f"{most[0]} jobs ran at once through a gate of 1 slot"
        assert all(rt.store.get_job(job.id).attempts == 1 for job in jobs)


def test_a_jobs_node_and_attempts_are_recorded_while_it_runs_and_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "vtm.duckdb")
    try:
        video = store.add_video(id=store.next_video_id(), filename="a.mp4", path="a", size=1, sha256="x", width=2, height=2)
        job, _ = store.enqueue_job(video.id, JobKind.HANG, HookOptions(seconds=1.0))
        node = JobNode("f" * 56, "10.0.0.7", "render-2")
        assert store.set_placement(job.id, node, 1) is None  # not RUNNING: nothing recorded
        claimed = store.claim_next()
        assert claimed is not None and claimed.node is None and claimed.attempts == 1
        placed = store.set_placement(job.id, node, 2)  # Ray's second attempt, after a node was lost
        assert placed is not None and placed.node == node and placed.attempts == 2
        assert placed.to_dict()["node"] == {"id": "f" * 56, "ip": "10.0.0.7", "name": "render-2"}
        done = store.mark_completed(job.id, "outputs/1/x")
        assert (done.node, done.attempts) == (node, 2)  # where it ran stays visible
        store.mark_failed(job.id, "boom")
        retried = store.retry(job.id)
        assert retried.node is None and retried.status is JobStatus.QUEUED
    finally:
        store.close()


def test_an_older_file_gets_the_node_column(tmp_path: Path) -> None:
    path = tmp_path / "vtm.duckdb"
    old_file(path)
    store = Store(path)
    try:
        (old,) = store.list_jobs()
        assert old.node is None and old.to_dict()["node"] is None
    finally:
        store.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_health_says_the_local_executor_and_no_cluster(tmp_path: Path) -> None:
    async with in_process(tmp_path) as (_rt, client):
        health = (await client.get("/api/health")).json()
        job_schema = (await client.get("/api/openapi.json")).json()["components"]["schemas"]["Job"]
    assert health["executor"] == "local" and "cluster" not in health
    assert "node" in job_schema["properties"] and "attempts" in job_schema["properties"]


@pytest.mark.parametrize(("environ", "named"), [
    ({"VTM_EXECUTOR": "dask"}, "VTM_EXECUTOR"),
    ({"VTM_EXECUTOR": "ray"}, "RAY_ADDRESS"),
    ({"VTM_EXECUTOR": "ray", "RAY_ADDRESS": "10.0.0.5:6379", "VTM_PATH_MAP": "srv=mnt"}, "VTM_PATH_MAP"),
])
def test_a_bad_executor_setting_is_refused_at_start_naming_the_variable(tmp_path: Path, environ: dict[str, str],
                                                                        named: str) -> None:
    with pytest.raises(InvalidInput, match=named):
        settings = Settings.from_env({"VTM_DATA_DIR": str(tmp_path / "data"), **environ})
        assembly.build(settings, start_workers=False).close()


def test_ray_workers_default_to_the_clusters_cpus() -> None:
    ray = Settings(executor="ray", ray_address="10.0.0.5:6379")
    assert assembly.worker_threads(ray) == assembly.RAY_WORKER_THREADS
    assert assembly.worker_threads(Settings(executor="ray", ray_address="10.0.0.5:6379", workers=3)) == 3
    assert assembly.worker_threads(Settings(workers=0)) == Settings().worker_count
