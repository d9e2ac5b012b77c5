"""Queue throughput with 1 and N workers, a streamed upload against `cp`, and the jobs
list API with 100,000 jobs in the table: the real store, worker pool and server."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.media_cases import Measure
from bench.server import PeakRss, Server
from bench.timing import Stats, interleaved
from vtm import assembly
from vtm.config import Settings
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import Job, JobKind, JobStatus


def queue(source: Path, work: Path, jobs: int, workers: int) -> tuple[float, float]:
    """(jobs per second, seconds) for `jobs` exact thumbnails of `source` at different
    times, queued first and then run by the worker pool (`workers` decoding child
    processes, warmed up), through the real store."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"queue-{workers}-", dir=work))  # a new library per round
    settings = Settings(data_dir=data_dir, workers=workers, isolation="process")
    rt = assembly.build(settings, start_workers=False)
    finished = threading.Semaphore(0)

    def on_change(job: Job) -> None:
        if job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
            finished.release()

    rt.store.add_listener(on_change)
    try:
        video = rt.service.add_local_file(source)
        duration = video.duration or 1.0
        warm = [{"width": 160, "height": 90, "at": f"{duration * (i + 0.5) / (workers * 2):.3f}"} for i in range(workers * 2)]
        for options in warm:
            rt.service.request_output(video.id, JobKind.THUMBNAIL, options)
        rt.workers.start(workers)  # the children import and open their decoders on the warm-up jobs
        _wait(finished, len(warm))
        rt.workers.stop()
        for i in range(jobs):
            rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 320, "height": 180, "at": f"{duration * (i + 0.5) / jobs:.3f}"})
        started = time.perf_counter()
        rt.workers.start(workers)
        _wait(finished, jobs)
        seconds = time.perf_counter() - started
        counts = rt.store.count_jobs_by_status()
        if counts.get(JobStatus.FAILED):
            raise RuntimeError(f"{counts[JobStatus.FAILED]} benchmark job(s) failed")
        return jobs / seconds, seconds
    finally:
        rt.close()


def _wait(finished: threading.Semaphore, count: int, timeout: float = 600) -> None:
    """Until `count` more jobs finished (woken by the store's change listener, no polling)."""
    deadline = time.monotonic() + timeout
    for _ in range(count):
        if not finished.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise RuntimeError("the benchmark jobs did not finish in time")


def fill_jobs(data_dir: Path, source: Path, count: int) -> None:
    """A data folder whose job table holds `count` jobs (for the API measure)."""
    rt = assembly.build(Settings(data_dir=data_dir, isolation="thread"), start_workers=False)
    try:
        video = rt.service.add_local_file(source, "api-bench.mp4")
        params = [ThumbnailOptions(width=16 + i % 1000, height=16 + i // 1000) for i in range(count)]
        # Finished jobs: a table of history, so that idle workers do not churn through it while measured.
        rt.store.insert_jobs_bulk(video.id, JobKind.THUMBNAIL, params, JobStatus.COMPLETED)
    finally:
        rt.close()


def server_measures(upload: Path, small: Path, work: Path, repeats: int, jobs: int, requests: int) -> list[Measure]:
    """Upload vs cp (MB/s, peak RSS growth) and GET /api/jobs latency, on one live server."""
    data_dir = work / "server-data"
    fill_jobs(data_dir, small, jobs)
    size_mb = upload.stat().st_size / (1024 * 1024)
    copies = work / "cp"
    copies.mkdir(parents=True, exist_ok=True)
    with Server(data_dir, work / "server.log") as server:
        baseline = server.rss_mb()
        peaks: list[float] = []
        sent = [0]

        def post() -> None:
            sent[0] += 1
            with PeakRss(server) as rss:
                done = subprocess.run(
                    ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", f"video=@{upload};filename=upload-{sent[0]}.mp4",
                     f"{server.url}/api/videos"], capture_output=True, text=True)
            peaks.append(rss.peak)
            if done.stdout.strip() != "201":
                raise RuntimeError(f"upload answered {done.stdout.strip()}: {done.stderr[-300:]}")
            _delete_uploads(server)

        def copy() -> None:
            target = copies / "copy.mp4"
            subprocess.run(["cp", str(upload), str(target)], check=True)
            os.sync()
            target.unlink()

        def post_synced() -> None:
            post()
            os.sync()

        stats = interleaved({"upload (POST /api/videos, streamed)": post_synced, "cp": copy}, repeats)
        for one in stats.values():
            one.note = f"{size_mb:.0f} MB"
        growth = max(peaks) - baseline
        upload_measure = Measure("upload", f"{size_mb:.0f} MB video", stats, {"uploads answered 201": len(peaks) == sent[0] >= repeats},
                                 {"rss_growth_mb": growth, "size_mb": size_mb})
        api = _api_latency(server, requests)
        api.subject = f"{jobs:,} jobs in the table"
    shutil.rmtree(copies, ignore_errors=True)
    return [upload_measure, api]


def _delete_uploads(server: Server) -> None:
    for video in httpx.get(f"{server.url}/api/videos", timeout=30).json():
        if video["filename"].startswith("upload-"):
            httpx.delete(f"{server.url}/api/videos/{video['id']}", timeout=30)


def _api_latency(server: Server, requests: int) -> Measure:
    seconds: list[float] = []
    ok = True
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for _ in range(5):
            client.get("/api/jobs", params={"limit": 100})
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get("/api/jobs", params={"limit": 100})
            seconds.append(time.perf_counter() - started)
            ok = ok and response.status_code == 200 and len(response.json()) == 100
    stats = Stats("GET /api/jobs?limit=100", seconds)
    seconds.sort()
    stats.note = f"p50 {statistics.median(seconds) * 1000:.1f} ms, p95 {seconds[int(len(seconds) * 0.95) - 1] * 1000:.1f} ms"
    extra = {"p50_ms": statistics.median(seconds) * 1000, "p95_ms": seconds[int(len(seconds) * 0.95) - 1] * 1000}
    return Measure("API", "", {stats.name: stats}, {"100 jobs per answer": ok}, extra)
