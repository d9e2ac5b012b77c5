"""The Ray executor itself on a real cluster on this machine (a head with no CPUs, two
1-CPU worker nodes): it counts the cluster, a video's own error comes back typed, a call
past its time limit is cancelled with force, a call over its memory cap fails with that
reason. Every kind through the real server on both nodes, a node or the server killed
mid-run: tests/test_cluster_server.py; outages: tests/test_cluster_outage.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import media
from tests.cluster import HEAD_IP, LocalCluster
from tests.cluster_jobs import media_tasks
from vtm import errors, tasks
from vtm.cluster import Placement, RayExecutor
from vtm.executors.base import MEMORY_MESSAGE, CallFailed
from vtm.executors.inline import InlineExecutor
from vtm.files import DataDir
from vtm.kinds.hooks import HookOptions
from vtm.models import JobKind
from vtm.tasks import Task

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ray")]  # one Ray cluster at a time (conftest.py)
APP_ROOT = Path("/srv/vtm-app-view")  # where "the app" sees the data folder; the nodes map it (VTM_PATH_MAP)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    return DataDir(tmp_path_factory.mktemp("cluster-data") / "data")


@pytest.fixture(scope="module")
def cluster(data: DataDir) -> Iterator[LocalCluster]:
    env = {"VTM_PATH_MAP": f"{APP_ROOT}={data.root}"}
    local = LocalCluster()
    local.start(workers=0)
    local.add_worker(env)
    local.add_worker(env)
    yield local
    local.close()


@pytest.fixture(scope="module")
def executor(cluster: LocalCluster) -> Iterator[RayExecutor]:
    ex = RayExecutor(cluster.address, node_ip=HEAD_IP, memory_mb=1024, max_retries=2)
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, float]:
    folder = tmp_path_factory.mktemp("cluster-clips")
    made = {
        media.clip(folder / "a.mp4", width=320, height=240, seconds=2.0): 2.0,
        media.clip(folder / "b.mkv", width=256, height=144, seconds=3.0): 3.0,
        media.with_black_intro(folder / "c.mp4"): 6.0,
    }
    return made


def run_all(executor: RayExecutor | InlineExecutor, calls: list[Task], workers: int = 4,
            placed: dict[int, list[Placement]] | None = None) -> list[str]:
    def one(task: Task) -> str:
        kwargs = {}
        if placed is not None:
            kwargs["placed"] = lambda where: placed.setdefault(task.job_id, []).append(where)
        return executor.call(tasks.run, task, timeout=120, progress=lambda _: None, **kwargs)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, calls))


def test_status_counts_the_nodes_and_cpus(executor: RayExecutor, cluster: LocalCluster) -> None:
    deadline = time.monotonic() + 60
    while executor.status().state != "up" and time.monotonic() < deadline:
        time.sleep(0.2)
    status = executor.status()
    assert status.to_dict() == {"state": "up", "address": cluster.address, "nodes": 3, "cpus": 2, "reason": None}
    assert status.describe() == "cluster: 3 nodes, 2 CPUs"
    assert {node.name for node in status.nodes} == {"head", *cluster.workers}


def test_a_videos_own_error_comes_back_typed(executor: RayExecutor, data: DataDir, clips: dict[Path, float]) -> None:
    missing = Task(77, JobKind.SHEET, media_tasks(2, data.root, list(clips), clips)[1].options,
                   str(data.root / "videos" / "gone.mp4"), 2.0, str(data.root / "outputs" / "77"))
    with pytest.raises(CallFailed) as local:
        InlineExecutor().call(tasks.run, missing, progress=lambda _: None)
    with pytest.raises(CallFailed) as remote:
        executor.call(tasks.run, missing, timeout=60, progress=lambda _: None)
    assert isinstance(remote.value.user_error, errors.NotFound)
    assert remote.value.message == local.value.message
    assert not (data.root / "outputs" / "77").exists()


def test_a_call_past_its_time_limit_is_cancelled_with_force(executor: RayExecutor, data: DataDir) -> None:
    hang = Task(88, JobKind.HANG, HookOptions(seconds=600.0), "", None, str(data.root / "outputs" / "88"))
    placed: list[Placement] = []
    started = time.monotonic()
    with pytest.raises(CallFailed, match=r"Timed out after 3 s .*cancelled with force"):
        executor.call(tasks.run, hang, timeout=3, progress=lambda _: None, placed=placed.append)
    assert 3 <= time.monotonic() - started < 30
    assert len(placed) == 1, "it ran once: a cancelled call is not retried"
    # The node's worker was killed, not left sleeping: both CPUs are free again for new calls.
    assert run_all(executor, [Task(89, JobKind.HANG, HookOptions(seconds=0.1), "", None, "x")] * 2) == ["x", "x"]


def test_a_call_over_its_memory_cap_fails_with_that_reason(executor: RayExecutor) -> None:
    hog = Task(90, JobKind.HOG, HookOptions(mb=100_000.0), "", None, "x")
    with pytest.raises(CallFailed) as failure:
        executor.call(tasks.run, hog, timeout=120, progress=lambda _: None)
    assert failure.value.message == MEMORY_MESSAGE
    # The cap is lifted after the call: the same worker processes run the next calls.
    assert run_all(executor, [Task(91, JobKind.HANG, HookOptions(seconds=0.1), "", None, "y")] * 2) == ["y", "y"]


def _real(path: Path, root: Path) -> Path:
    return root / path.relative_to(APP_ROOT) if path.is_relative_to(APP_ROOT) else path
