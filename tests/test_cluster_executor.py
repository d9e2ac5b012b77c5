"""The Ray executor on a real cluster on this machine (a head with no CPUs, two 1-CPU
worker nodes): every media kind gives the same pictures as the local executor, both
nodes work and each call says where it ran; a node that maps the data folder elsewhere
(VTM_PATH_MAP) works; a video's own error comes back typed; a call past its time limit
is cancelled with force; a node killed with SIGKILL mid-run loses no call and leaves no
partial file."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from tests import media
from tests.cluster import HEAD_IP, LocalCluster
from tests.cluster_jobs import differences, leftovers, media_tasks, rebase
from vtm import errors, tasks
from vtm.cluster import Placement, RayExecutor
from vtm.executors.base import MEMORY_MESSAGE, CallFailed
from vtm.executors.inline import InlineExecutor
from vtm.files import DataDir
from vtm.kinds.hooks import HookOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.models import JobKind
from vtm.tasks import Task

pytestmark = pytest.mark.slow
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


def test_every_kind_gives_the_local_pictures_on_both_nodes(executor: RayExecutor, cluster: LocalCluster, data: DataDir,
                                                           clips: dict[Path, float], tmp_path: Path) -> None:
    calls = media_tasks(40, data.root, list(clips), clips)
    # Half the calls name the data folder as the app sees it; the nodes map it back.
    calls = [rebase(task, data.root, APP_ROOT) if i % 2 else task for i, task in enumerate(calls)]
    placed: dict[int, list[Placement]] = {}
    outputs = run_all(executor, calls, placed=placed)

    local_root = DataDir(tmp_path / "local").root
    local_calls = [rebase(replace(task, dest=str(_real(Path(task.dest), data.root))), data.root, local_root) for task in calls]
    local_outputs = run_all(InlineExecutor(), local_calls, workers=1)

    for task, output, local_task, local_output in zip(calls, outputs, local_calls, local_outputs, strict=True):
        as_app = APP_ROOT if task.dest.startswith(str(APP_ROOT)) else data.root
        assert output.startswith(str(as_app)), f"job {task.job_id}: output {output} not in the app's view {as_app}"
        assert Path(local_output).relative_to(local_root) == Path(_real(Path(output), data.root)).relative_to(data.root)
        assert differences(_real(Path(task.dest), data.root), Path(local_task.dest)) == []
    nodes = {job: where[-1].node_id for job, where in placed.items()}
    assert sorted(nodes) == [task.job_id for task in calls], "every call says where it ran"
    assert set(nodes.values()) == {cluster.node_id(name) for name in cluster.workers}, "both worker nodes ran calls"
    assert all(where[-1].ip.startswith("127.0.0.") and where[-1].name.startswith("worker-") for where in placed.values())
    assert {kind for kind in (task.kind for task in calls)} == {JobKind.THUMBNAIL, JobKind.SHEET, JobKind.STORYBOARD,
                                                                JobKind.PREVIEW, JobKind.SCENES}
    assert leftovers(data.root) == []
    assert executor.running() == {}


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


def test_a_node_killed_mid_run_loses_no_call(executor: RayExecutor, cluster: LocalCluster, data: DataDir,
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("long")
    long_clip = media.clip(folder / "long.mp4", width=640, height=360, seconds=12.0)
    # Every tile decoded exactly (not from keyframes): about a second of work per call.
    calls = [Task(2000 + i, JobKind.STORYBOARD, StoryboardOptions(every=0.1, count=0, width=96, columns=10, rows=4,
                                                                  fast=False, quality=75), str(long_clip), 12.0,
                  str(data.root / "outputs" / str(2000 + i))) for i in range(6)]
    victim = sorted(cluster.workers)[0]
    victim_id = cluster.node_id(victim)
    on_victim = threading.Event()
    placed: dict[int, list[Placement]] = {}

    def note(job_id: int, where: Placement) -> None:
        placed.setdefault(job_id, []).append(where)
        if where.node_id == victim_id:
            on_victim.set()

    results: dict[int, list[str]] = {}

    def one(task: Task) -> None:
        out = executor.call(tasks.run, task, timeout=300, progress=lambda _: None,
                            placed=lambda where: note(task.job_id, where))
        results.setdefault(task.job_id, []).append(out)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(one, task) for task in calls]
        assert on_victim.wait(120), "no call started on the node to kill"
        cluster.kill_worker(victim)
        for future in futures:
            future.result(timeout=240)

    assert {job: len(out) for job, out in results.items()} == {task.job_id: 1 for task in calls}
    retried = [where for where in placed.values() if where[0].node_id == victim_id and len(where) > 1]
    assert retried, f"no call was retried after the kill: {placed}"
    assert all(where[-1].node_id != victim_id and where[-1].attempt == len(where) for where in retried)
    for task in calls:
        assert sorted(p.name for p in Path(task.dest).iterdir()) == sorted(p.name for p in Path(calls[0].dest).iterdir())
    assert leftovers(data.root) == []
    cluster.add_worker({"VTM_PATH_MAP": f"{APP_ROOT}={data.root}"})


def _real(path: Path, root: Path) -> Path:
    return root / path.relative_to(APP_ROOT) if path.is_relative_to(APP_ROOT) else path
