"""Deleting a video against the real server: a job of it running in a decoder is
stopped and nothing of it shifts the decoder pool (the next outputs are each exactly
what their request asks), and requests racing the delete get 202 before it and 404
after, with no job, file or retry of the video left behind."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from tests import clips
from tests.api_server import LiveServer, wait_for
from vtm import kinds, tasks
from vtm.media.probe import probe
from vtm.media.samples import write_clip
from vtm.models import JobKind

FPS = 25


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5 minutes at 50 fps, small: a scenes job decodes all 15,000 frames (several seconds)."""
    return clips.long_testsrc(tmp_path_factory.mktemp("long") / "long.mp4")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s whose every frame shows its own index (tests/clips.py): a thumbnail says which frame it is."""
    return write_clip(tmp_path_factory.mktemp("indexed") / "indexed.mp4", clips.index_frame,
                      width=320, height=240, seconds=4.0, fps=FPS)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data", VTM_WORKERS="1").start()  # one decoder: every job goes through it
    yield live
    live.stop()
    assert live.errors() == []


def upload(client: httpx.Client, path: Path, name: str | None = None) -> dict[str, Any]:
    response = client.post("/api/videos", files={"video": (name or path.name, path.read_bytes())})
    assert response.status_code == 201, response.text
    return response.json()


# 20 requests of every kind and many sizes; thumbnails at times whose frame index is known
REQUESTS: list[dict[str, Any]] = [
    *({"kind": "thumbnail", "width": 101 + 2 * n, "height": 0, "at": f"{(10 + 7 * n) / FPS + 0.01:.3f}",
       "format": ("jpg", "png", "webp")[n % 3]} for n in range(10)),
    {"kind": "sheet", "columns": 2, "rows": 2, "width": 96}, {"kind": "sheet", "columns": 3, "rows": 2, "width": 80},
    {"kind": "sheet", "columns": 4, "rows": 1, "width": 64, "format": "png"},
    {"kind": "storyboard", "every": 1, "width": 64}, {"kind": "storyboard", "count": 5, "width": 48, "columns": 3, "rows": 2},
    {"kind": "preview", "moments": 2, "seconds": 0.5, "fps": 4, "width": 96},
    {"kind": "preview", "moments": 3, "seconds": 0.4, "fps": 5, "width": 64},
    {"kind": "scenes", "width": 64}, {"kind": "scenes", "width": 80, "threshold": 2.5},
    {"kind": "thumbnail", "width": 0, "height": 77, "at": f"{90 / FPS + 0.01:.3f}", "fit": "contain"},
]


def image(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as picture:
        return np.asarray(picture.convert("RGB"))


def same_picture(got: bytes, want: bytes) -> bool:
    a, b = image(got), image(want)
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 1.0


def check_output(client: httpx.Client, job: dict[str, Any], request: dict[str, Any], source: Path, tmp: Path) -> str:
    """'' when the job's output is exactly what its request asks, else what is wrong."""
    kind = JobKind(job["kind"])
    if job["kind"] != request["kind"]:
        return f"asked {request['kind']}, got a {job['kind']} job"
    got = client.get(f"/api/jobs/{job['id']}/output")
    if got.status_code != 200:
        return f"output {got.status_code}"
    # the same request rendered here, in this process
    dest = tmp / f"expected-{job['id']}" / ("thumb." + job["params"]["format"] if kind is JobKind.THUMBNAIL else "out")
    dest.parent.mkdir(parents=True, exist_ok=True)
    main = Path(tasks.run(tasks.Task(job["id"], kind, kinds.decode(kind, job["params"]), str(source), probe(source).duration, str(dest)),
                          lambda _: None))
    want = main.read_bytes()
    if kind is JobKind.THUMBNAIL:
        picture = image(got.content)
        asked_w, asked_h = request["width"], request["height"]
        if (asked_w and picture.shape[1] != asked_w) or (asked_h and picture.shape[0] != asked_h):
            return f"asked {asked_w}x{asked_h}, got {picture.shape[1]}x{picture.shape[0]}"
        frame = round((float(request["at"]) - 0.01) * FPS)
        shown = clips.read_index(cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
        if request.get("fit") != "contain" and shown != frame:
            return f"asked frame {frame}, the picture shows frame {shown}"
    if main.suffix in (".jpg", ".png", ".webp", ".gif"):
        return "" if same_picture(got.content, want) else f"{main.name}: not the picture this request makes"
    return "" if got.content == want else f"{main.name}: not what this request makes"


def test_deleting_a_video_mid_job_leaves_the_next_20_outputs_each_right(
        server: LiveServer, long_clip: Path, indexed: Path, tmp_path: Path) -> None:
    with server.client() as client:
        doomed = upload(client, long_clip)
        other = upload(client, indexed)
        scenes = client.post(f"/api/videos/{doomed['id']}/outputs", json={"kind": "scenes"}).json()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = client.get(f"/api/jobs/{scenes['id']}").json()
            if state["status"] == "RUNNING" and state["progress"] > 0.02:
                break
            time.sleep(0.05)
        assert state["status"] == "RUNNING", f"the scenes job should be running when the video is deleted: {state}"
        assert client.delete(f"/api/videos/{doomed['id']}").status_code == 204
        assert client.get(f"/api/jobs/{scenes['id']}").status_code == 404

        jobs = []
        for request in REQUESTS:
            body = {k: v for k, v in request.items() if k != "kind"}
            if request["kind"] == "thumbnail":
                options = {k: v for k, v in body.items() if k not in ("width", "height")}
                response = client.post(f"/api/thumbnails/{other['id']}/{body['width']}/{body['height']}", params=options)
            else:
                response = client.post(f"/api/videos/{other['id']}/outputs", json=request)
            assert response.status_code == 202, response.text
            jobs.append(response.json())
        finished = [wait_for(client, f"/api/jobs/{job['id']}", timeout=120) for job in jobs]
        wrong = {n: problem for n, (job, request) in enumerate(zip(finished, REQUESTS, strict=True))
                 if (problem := check_output(client, job, request, indexed, tmp_path))}
        assert wrong == {}, wrong
        assert client.get("/api/jobs", params={"video_id": doomed["id"]}).json() == []
    assert not (server.data_dir / "outputs" / str(scenes["id"])).exists()
    assert list(server.data_dir.rglob("*.part")) == []
    print(f"\nafter deleting a video mid-job: {len(REQUESTS) - len(wrong)}/{len(REQUESTS)} outputs right "
          f"(kind, size, pixels against an in-process render of the same request)")


def test_requests_racing_a_delete_get_202_before_404_after_and_leave_nothing(
        server: LiveServer, indexed: Path, long_clip: Path) -> None:
    with server.client() as client:
        video = upload(client, long_clip, "racing.mp4")
        busy = client.post(f"/api/videos/{video['id']}/outputs", json={"kind": "scenes"}).json()  # running at the delete
    vid = video["id"]
    started = threading.Event()
    seen: dict[int, list[tuple[float, float, int, int | None]]] = {n: [] for n in range(12)}  # sent, answered, code, job

    def client_loop(n: int) -> None:
        with server.client() as own:
            k = 0
            while True:
                k += 1
                sent = time.monotonic()
                if n % 2:
                    response = own.post(f"/api/thumbnails/{vid}/{64 + n}/{k % 7 * 8}", params={"at": f"{k % 90}%"})
                else:
                    kind = ("sheet", "storyboard", "preview")[k % 3]
                    options = {"sheet": {"columns": 1 + k % 4, "width": 64 + n},
                               "storyboard": {"every": 1 + k, "width": 48 + n},
                               "preview": {"moments": 1 + k % 3, "width": 64 + n}}[kind]
                    response = own.post(f"/api/videos/{vid}/outputs", json={"kind": kind, **options})
                job_id = response.json().get("id") if response.status_code == 202 else None
                seen[n].append((sent, time.monotonic(), response.status_code, job_id))
                if k == 3:
                    started.set()
                if sum(1 for _, _, code, _ in seen[n][-5:] if code == 404) == 5:
                    return

    with ThreadPoolExecutor(12) as pool:
        futures = [pool.submit(client_loop, n) for n in range(12)]
        assert started.wait(30)
        time.sleep(0.3)
        with server.client() as client:
            began = time.monotonic()
            assert client.delete(f"/api/videos/{vid}").status_code == 204
            ended = time.monotonic()
        for future in futures:
            future.result(timeout=120)

    codes = [code for n in seen for _, _, code, _ in seen[n]]
    assert set(codes) <= {202, 404}, sorted(set(codes))
    for n, answers in seen.items():
        statuses = [code for _, _, code, _ in answers]
        first_404 = statuses.index(404)
        assert set(statuses[first_404:]) == {404}, f"client {n}: a 202 after a 404: {statuses}"
        # 202 only for a request sent before the delete was done, 404 only once it had begun
        assert all(sent < ended for sent, _, code, _ in answers if code == 202), f"client {n}: 202 after the delete"
        assert all(answered > began for _, answered, code, _ in answers if code == 404), f"client {n}: 404 too early"
    job_ids = {job for n in seen for _, _, _, job in seen[n] if job is not None} | {busy["id"]}
    time.sleep(1.0)  # what a cancelled or finishing job still does
    with server.client() as client:
        assert client.get("/api/jobs", params={"video_id": vid, "limit": 1000}).json() == []
        leftovers = [j for j in client.get("/api/jobs", params={"limit": 1000}).json() if j["video_id"] == vid]
        assert leftovers == []
        retries = {client.post(f"/api/jobs/{job}/retry").status_code for job in job_ids}
        assert retries <= {404, 409}, retries
        assert client.get(f"/api/videos/{vid}").status_code == 404
    data = server.data_dir
    assert list((data / "thumbnails").glob(f"thumbnail_{vid}_*")) == []
    assert [p for p in (data / "outputs").iterdir() if int(p.name) in job_ids] == []
    assert not (data / "videos" / str(vid)).exists()
    assert [p for p in data.rglob("*.part")] == []
    print(f"\n12 clients racing a delete: {codes.count(202)} x 202 before, {codes.count(404)} x 404 after, "
          f"0 other; {len(job_ids)} job ids, none left; retry answers {sorted(retries)}")
