"""Image URLs (issue 15): the first request of `/api/videos/{id}/thumbnail.jpg?time=T&width=320&height=180`
(it asks for the job at high priority, a worker makes it, the request waits and answers the
picture) against `vtm thumbnail --size 320x180 --at T` as a whole process for the same
exact frame, run alternately with a new T each round (so every request is a first one);
then the same URL again and again (a cached file with its ETag), its p50 and p95."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

import httpx

from bench import tools
from bench.media_cases import Measure, image_ok
from bench.server import Server
from bench.timing import Stats

FIRST, CLI, CACHED = "first request (server, waits for the job)", "vtm CLI (whole process)", "cached request"


def image_urls(source: Path, label: str, duration: float | None, work: Path, rounds: int, cached: int) -> Measure:
    out = work / "image-urls"
    out.mkdir(parents=True, exist_ok=True)
    span = (duration or 10.0) * 0.8
    times = [round((duration or 10.0) * 0.1 + span * (n + 0.5) / (rounds + 1), 3) for n in range(rounds + 1)]
    first: list[float] = []
    cli: list[float] = []
    checks: dict[str, bool] = {}
    with Server(out / "data", out / "server.log") as server, httpx.Client(base_url=server.url, timeout=120) as client:
        with source.open("rb") as f:
            video = client.post("/api/videos", files={"video": (source.name, f, "video/mp4")}).json()
        url = f"/api/videos/{video['id']}/thumbnail.jpg?width=320&height=180&time="
        for n, at in enumerate(times):  # the first round warms up (the decoder child, the page cache)
            started = time.perf_counter()
            response = client.get(url + f"{at:g}")
            took = time.perf_counter() - started
            checks.setdefault("the first request answers 200 with the picture", True)
            checks["the first request answers 200 with the picture"] &= response.status_code == 200
            (out / "first.jpg").write_bytes(response.content)
            started = time.perf_counter()
            subprocess.run(tools.vtm_args("thumbnail", source, out / "cli", "--size", "320x180", "--at", f"{at:g}"),
                           check=True, capture_output=True)
            cli_took = time.perf_counter() - started
            if n >= 1:
                first.append(took)
                cli.append(cli_took)
        checks["the URL's picture is a 320x180 JPEG"] = image_ok(out / "first.jpg", (320, 180))
        again = url + f"{times[-1]:g}"
        etag = client.get(again).headers.get("etag", "")
        latencies = []
        for _ in range(cached):
            started = time.perf_counter()
            response = client.get(again)
            latencies.append(time.perf_counter() - started)
        checks["a cached request answers 200 with the same ETag"] = response.status_code == 200 and \
            response.headers.get("etag") == etag
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    stats = {FIRST: Stats(FIRST, first), CLI: Stats(CLI, cli),
             CACHED: Stats(CACHED, latencies, f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")}
    measure = Measure("image URL", f"{label}, exact 320×180, thumbnail.jpg?time=&width=320&height=180", stats, checks)
    measure.extra.update({"first vs CLI (ratio of medians)": Stats(FIRST, first).median / Stats(CLI, cli).median,
                          "cached p50 ms": statistics.median(latencies) * 1000, "cached p95 ms": p95 * 1000})
    return measure
