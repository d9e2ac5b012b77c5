"""Load on a running VTM: concurrent uploads, many thumbnail requests from many clients,
SSE listeners, and a prober timing `GET /api/jobs` (and the Jobs page) meanwhile.

    .venv/bin/python bench/load.py --start              # its own server, 4 workers, temp data
    .venv/bin/python bench/load.py --url http://host:8501 --token ...

Checks what the reliability promise says (zero 5xx, every job completes exactly once,
every SSE listener sees every COMPLETED event) and prints requests/s and p50/p95/p99
latency of `GET /api/jobs` under that load. `--json` prints the figures as JSON; the
exit code is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


class Tally:
    """Thread-safe counts of responses by status class, and failures worth showing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.problems: list[str] = []

    def record(self, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.problems.append(f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text[:200]}")
        return response

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


def make_clip(path: Path) -> Path:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "4",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def listen(url: str, headers: dict[str, str], seen: Counter[int], ready: threading.Event, stop: threading.Event) -> None:
    """Count COMPLETED events per job id from one SSE connection."""
    with httpx.Client(timeout=httpx.Timeout(10, read=30), headers=headers) as client, \
            client.stream("GET", f"{url}/api/events") as response:
        ready.set()
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if event.get("status") == "COMPLETED":
                    seen[event["id"]] += 1
            if stop.is_set():
                return


def probe(url: str, headers: dict[str, str], tally: Tally, stop: threading.Event, out: dict[str, list[float]]) -> None:
    """Time GET /api/jobs back to back; the Jobs page and Streamlit's health every 0.5 s."""
    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        last_page = 0.0
        while not stop.is_set():
            started = time.perf_counter()
            tally.record(client.get("/api/jobs", params={"limit": 100}))
            out["api_jobs"].append(time.perf_counter() - started)
            if started - last_page >= 0.5:
                last_page = started
                for path, key in (("/jobs", "jobs_page"), ("/_stcore/health", "st_health")):
                    t0 = time.perf_counter()
                    tally.record(client.get(path))
                    out[key].append(time.perf_counter() - t0)


def run_load(url: str, *, uploads: int, thumbnails: int, clients: int, listeners: int, token: str = "") -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    tally = Tally()
    stop = threading.Event()
    seen = [Counter[int]() for _ in range(listeners)]
    threads = []
    for counter in seen:
        ready = threading.Event()
        thread = threading.Thread(target=listen, args=(url, headers, counter, ready, stop), daemon=True)
        thread.start()
        threads.append(thread)
        ready.wait(10)
    timings: dict[str, list[float]] = {"api_jobs": [], "jobs_page": [], "st_health": []}
    prober = threading.Thread(target=probe, args=(url, headers, tally, stop, timings), daemon=True)
    started = time.perf_counter()
    prober.start()

    with tempfile.TemporaryDirectory() as folder:
        clip = make_clip(Path(folder) / "load.mp4").read_bytes()
        video_ids: list[int] = []

        def upload(n: int) -> None:
            with httpx.Client(base_url=url, timeout=120, headers=headers) as client:
                response = tally.record(client.post("/api/videos", files={"video": (f"load-{n:03d}-{os.getpid()}.mp4", clip)}))
                if response.status_code == 201:
                    video_ids.append(response.json()["id"])
                else:
                    tally.problems.append(f"upload {n}: {response.status_code} {response.text[:200]}")

        _all(upload, range(uploads))
        upload_s = time.perf_counter() - started
        if not video_ids:
            raise SystemExit("no upload succeeded: " + "; ".join(tally.problems[:3]))
        job_ids: list[int] = []
        per_client = [range(c, thumbnails, clients) for c in range(clients)]

        def client_run(numbers: range) -> None:
            with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
                mine = []
                for i in numbers:  # distinct sizes: every request is its own job
                    vid, width = video_ids[i % len(video_ids)], 64 + i // len(video_ids)
                    response = tally.record(client.post(f"/api/thumbnails/{vid}/{width}/0", params={"at": "1"}))
                    if response.status_code == 202:
                        mine.append((response.json()["id"], vid, width))
                job_ids.extend(j for j, _, _ in mine)
                for job_id, vid, width in mine:
                    deadline = time.monotonic() + 300
                    while tally.record(client.get(f"/api/jobs/{job_id}")).json()["status"] not in ("COMPLETED", "FAILED"):
                        if time.monotonic() > deadline:
                            tally.problems.append(f"job {job_id} did not finish")
                            break
                        time.sleep(0.2)
                    tally.record(client.get(f"/api/t/{vid}", params={"w": width, "h": 0, "at": "1"}))

        _all(client_run, per_client)
    jobs_s = time.perf_counter() - started - upload_s
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(set(job_ids) - set(c) for c in seen):
        time.sleep(0.1)
    stop.set()
    prober.join(30)
    elapsed = time.perf_counter() - started

    with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
        final = {j["id"]: j for j in client.get("/api/jobs", params={"limit": 1000}).json() if j["id"] in set(job_ids)}
    api = sorted(timings["api_jobs"])
    return {
        "uploads": uploads, "uploaded": len(video_ids), "thumbnail_requests": thumbnails, "clients": clients,
        "sse_listeners": listeners, "upload_phase_s": round(upload_s, 1), "jobs_phase_s": round(jobs_s, 1),
        "jobs_per_s": round(len(job_ids) / jobs_s, 1) if jobs_s else None,
        "responses": sum(tally.statuses.values()), "responses_per_s": round(sum(tally.statuses.values()) / elapsed, 1),
        "server_errors_5xx": tally.server_errors,
        "jobs": len(job_ids), "completed": sum(1 for j in final.values() if j["status"] == "COMPLETED"),
        "attempts_over_1": sum(1 for j in final.values() if j["attempts"] != 1),
        "sse_missed": [len(set(job_ids) - set(c)) for c in seen],
        "sse_duplicates": [sum(1 for n in c.values() if n > 1) for c in seen],
        "api_jobs_requests": len(api), "api_jobs_per_s": round(len(api) / elapsed, 1),
        "api_jobs_ms": _percentiles(api), "jobs_page_ms": _percentiles(sorted(timings["jobs_page"])),
        "st_health_ms": _percentiles(sorted(timings["st_health"])), "problems": tally.problems[:10],
    }


def _all(fn: Any, items: Any) -> None:
    threads = [threading.Thread(target=fn, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if len(values) < 2:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "p99": round(cuts[98] * 1000, 1),
            "max": round(values[-1] * 1000, 1)}


def failures(result: dict[str, Any]) -> list[str]:
    """The promises the run broke, in words (empty when all hold)."""
    broken = []
    if result["server_errors_5xx"]:
        broken.append(f"{result['server_errors_5xx']} responses were 5xx")
    if result["uploaded"] != result["uploads"]:
        broken.append(f"{result['uploads'] - result['uploaded']} uploads failed")
    if result["completed"] != result["thumbnail_requests"] or result["jobs"] != result["thumbnail_requests"]:
        broken.append(f"{result['completed']} of {result['thumbnail_requests']} jobs COMPLETED")
    if result["attempts_over_1"]:
        broken.append(f"{result['attempts_over_1']} jobs ran more than once")
    if any(result["sse_missed"]) or any(result["sse_duplicates"]):
        broken.append(f"SSE listeners missed {result['sse_missed']} / repeated {result['sse_duplicates']} COMPLETED events")
    return broken


@contextmanager
def local_server(workers: int) -> Iterator[str]:
    """`streamlit run app.py` on a free port with a temporary data folder."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "VTM_DATA_DIR": data, "VTM_WORKERS": str(workers)}
        streamlit = Path(sys.executable).parent / "streamlit"
        process = subprocess.Popen([str(streamlit), "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1"],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            yield url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running VTM (default: start one with --start)")
    parser.add_argument("--start", action="store_true", help="start a server on a temporary data folder")
    parser.add_argument("--workers", type=int, default=4, help="workers of the started server (default 4)")
    parser.add_argument("--token", default=os.environ.get("VTM_API_TOKEN", ""), help="API token, if the server needs one")
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--thumbnails", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--listeners", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.url and not args.start:
        parser.error("give --url of a running server, or --start")
    sizes = {"uploads": args.uploads, "thumbnails": args.thumbnails, "clients": args.clients, "listeners": args.listeners}
    if args.start:
        with local_server(args.workers) as url:
            result = run_load(url, token=args.token, **sizes)
    else:
        result = run_load(args.url, token=args.token, **sizes)
    result["workers"] = args.workers if args.start else None
    result["failures"] = failures(result)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
