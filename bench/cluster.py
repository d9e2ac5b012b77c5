"""`python bench/cluster.py [--jobs 100]` (and `python -m bench`, when Ray is installed): thumbnails per second with the local process
executor and with Ray (one and two 1-CPU worker nodes on this machine, a 0-CPU head),
and the per-job overhead of Ray over local (one job at a time). Needs
requirements-cluster.txt. Prints a Markdown table; the machine's load is part of it."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import media  # noqa: E402
from tests.cluster import HEAD_IP, LocalCluster  # noqa: E402
from vtm import tasks  # noqa: E402
from vtm.cluster import RayExecutor  # noqa: E402
from vtm.executors.process import ProcessExecutor  # noqa: E402
from vtm.kinds.moment import Moment  # noqa: E402
from vtm.kinds.thumbnail import ThumbnailOptions  # noqa: E402
from vtm.models import JobKind  # noqa: E402

LOCAL_1 = "local ProcessExecutor, 1 process"
RAY_1 = "Ray, 1 worker node (1 CPU)"


def thumbnails(count: int, clip: Path, out: Path) -> list[tasks.Task]:
    return [tasks.Task(i, JobKind.THUMBNAIL, ThumbnailOptions(width=320, height=180, at=Moment((i * 7) % 95, percent=True)),
                       str(clip), 10.0, str(out / f"thumbnail_{i}.jpg")) for i in range(count)]


def throughput(executor: Any, calls: list[tasks.Task], threads: int) -> float:
    def one(task: tasks.Task) -> str:
        return executor.call(tasks.run, task, timeout=300, progress=lambda _: None)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, calls[:threads]))  # warm: every worker process has imported the decoders
        started = time.perf_counter()
        list(pool.map(one, calls))
        return len(calls) / (time.perf_counter() - started)


def one_at_a_time(executor: Any, calls: list[tasks.Task]) -> float:
    """Median seconds per call, calls made one after another."""
    for task in calls[:3]:
        executor.call(tasks.run, task, timeout=300, progress=lambda _: None)
    times = []
    for task in calls:
        started = time.perf_counter()
        executor.call(tasks.run, task, timeout=300, progress=lambda _: None)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ray_executor(cluster: LocalCluster, slots: int) -> RayExecutor:
    executor = RayExecutor(cluster.address, node_ip=HEAD_IP)
    deadline = time.monotonic() + 120
    while executor.status().cpus < slots and time.monotonic() < deadline:
        time.sleep(0.2)
    return executor


def measure(label: str, make: Callable[[], Any], calls: list[tasks.Task], serial: list[tasks.Task], threads: int,
            rows: list[tuple[str, float, float]]) -> None:
    executor = make()
    try:
        rows.append((label, throughput(executor, calls, threads), one_at_a_time(executor, serial)))
        print(f"{label}: {rows[-1][1]:.1f} jobs/s, {rows[-1][2] * 1000:.1f} ms per job alone", file=sys.stderr)
    finally:
        executor.close()


def measure_all(jobs: int = 100, serial: int = 40) -> list[tuple[str, float, float]]:
    """(label, jobs per second, seconds per job alone) for the local executor with 1 and 2
    processes and Ray with 1 and 2 worker nodes."""
    with tempfile.TemporaryDirectory(prefix="vtm-bench-ray-") as tmp:
        work = Path(tmp)
        clip = media.clip(work / "clip.mp4", width=640, height=360, seconds=10.0)
        calls = thumbnails(jobs, clip, work / "out")
        alone = thumbnails(serial, clip, work / "serial")
        (work / "out").mkdir()
        (work / "serial").mkdir()
        rows: list[tuple[str, float, float]] = []
        measure(LOCAL_1, lambda: ProcessExecutor(1), calls, alone, 2, rows)
        measure("local ProcessExecutor, 2 processes", lambda: ProcessExecutor(2), calls, alone, 4, rows)
        cluster = LocalCluster().start(workers=1)
        try:
            measure(RAY_1, lambda: ray_executor(cluster, 1), calls, alone, 2, rows)
            cluster.add_worker()
            measure("Ray, 2 worker nodes (1 CPU each)", lambda: ray_executor(cluster, 2), calls, alone, 4, rows)
        finally:
            cluster.close()
    return rows


def overhead_s(rows: list[tuple[str, float, float]]) -> float:
    """Ray's per-job overhead over local: one job alone, 1 node vs 1 process."""
    alone = {label: seconds for label, _, seconds in rows}
    return alone[RAY_1] - alone[LOCAL_1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--serial", type=int, default=40, help="calls made one at a time for the overhead")
    args = parser.parse_args(argv)
    rows = measure_all(args.jobs, args.serial)
    print(f"\n{args.jobs} thumbnails 320x180 of a 640x360 H.264 clip; {os.cpu_count()} cores; "
          f"load average at the end {os.getloadavg()[0]:.2f}\n")
    print("| executor | jobs/s | one job alone (median) |\n|---|---|---|")
    for label, rate, alone in rows:
        print(f"| {label} | {rate:.1f} | {alone * 1000:.1f} ms |")
    print(f"\nRay's per-job overhead over local (one job alone, 1 node vs 1 process): {overhead_s(rows) * 1000:.1f} ms "
          f"(target ≤ 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
