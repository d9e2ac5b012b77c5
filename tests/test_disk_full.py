"""A full disk, for real: the data folder on a small tmpfs mounted by the test, the real
server over HTTP. Uploads until full, jobs until full, then the last byte taken while a
job runs: every refusal is a 507 `disk_full` naming the folder and the space left, no
job stays RUNNING, nothing partial is left, and after space is freed everything works
again without a restart. Also: the dashboard's low-space banner."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests import clips
from tests.api_server import LiveServer, wait_for
from tests.tmpfs import fill, free, mounted
from vtm import assembly
from vtm.config import Settings
from vtm.errors import DiskFull
from vtm.media.samples import write_clip
from vtm.models import JobKind, JobStatus
from vtm.store import Store

SIZE_MB = 64
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("full-media")
    return {"noise": clips.noise(folder / "noise.mp4"), "long": clips.long_testsrc(folder / "long.mp4")}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with mounted(tmp_path / "data", SIZE_MB) as data:
        live = LiveServer(data, VTM_WORKERS="1")
        live.log_path = tmp_path / "server.log"  # beside the tmpfs: the log must not fill with it
        live.start()
        try:
            yield live
        finally:
            live.stop()


def disk_full(response: httpx.Response, data: Path) -> str:
    """The message of a 507 disk_full answer, checked to name the folder and the space left."""
    assert response.status_code == 507, (response.status_code, response.text)
    body = response.json()
    assert body["error"]["code"] == "disk_full", body
    message = body["error"]["message"]
    assert str(data) in message and " left" in message, message
    return message


def finished(client: httpx.Client, job_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("COMPLETED", "FAILED"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def partial_files(data: Path) -> list[str]:
    names = [str(p.relative_to(data)) for p in data.rglob("*.part")]
    return names + [str(p.relative_to(data)) for p in (data / "tmp").iterdir()]


MULTIPART = {"Content-Type": "multipart/form-data; boundary=vtmfull"}


def chunked_upload(source: Path, repeat: int) -> Iterator[bytes]:
    yield b'--vtmfull\r\nContent-Disposition: form-data; name="video"; filename="huge.mp4"\r\n\r\n'
    for _ in range(repeat):
        yield source.read_bytes()
    yield b"\r\n--vtmfull--\r\n"


def declared_only(server: LiveServer, size: int) -> tuple[int, float]:
    """POST /api/videos declaring `size` bytes and sending none: (status, seconds to answer)."""
    head = (f"POST /api/videos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(head)
        answer = sock.recv(65536).decode(errors="replace")
        took = time.monotonic() - started
    return int(answer.split()[1]), took


@pytest.mark.slow
def test_a_full_disk_is_507_fails_jobs_with_the_reason_and_recovers_without_a_restart(
        server: LiveServer, media: dict[str, Path]) -> None:
    data = server.data_dir
    codes: dict[str, list[int]] = {"upload": [], "request": []}
    with server.client() as client:
        long = client.post("/api/videos", files={"video": ("long.mp4", media["long"].read_bytes())}).json()
        # 1. upload until full
        uploaded: list[dict[str, Any]] = []
        for n in range(40):
            response = client.post("/api/videos", files={"video": (f"noise{n}.mp4", media["noise"].read_bytes())})
            codes["upload"].append(response.status_code)
            if response.status_code != 201:
                upload_message = disk_full(response, data)
                break
            uploaded.append(response.json())
        assert uploaded and codes["upload"][-1] == 507, codes
        assert partial_files(data) == []
        # an upload that cannot fit is refused from its Content-Length, before its body is read
        status, took = declared_only(server, 100 * 1024 * 1024)
        assert status == 507 and took < 2.0, (status, took)
        # a chunked upload (no Content-Length) runs into the full disk while streaming
        streamed = client.post("/api/videos", content=chunked_upload(media["noise"], 40), headers=MULTIPART)
        codes["upload"].append(streamed.status_code)
        disk_full(streamed, data)
        assert partial_files(data) == []

        # 2. jobs until full: outputs too big for what is left fail with the reason
        video = uploaded[0]["id"]
        failed_job = None
        for n in range(12):
            response = client.post(f"/api/thumbnails/{video}/{3840 - 16 * n}/0", params={"format": "png"})
            codes["request"].append(response.status_code)
            if response.status_code == 507:
                disk_full(response, data)
                break
            job = finished(client, response.json()["id"])
            if job["status"] == "FAILED":
                failed_job = job
                break
        assert failed_job is not None and "is full" in failed_job["error"], (codes, failed_job)
        assert partial_files(data) == []

        # 3. the last byte taken while a job runs: its output and its final database write both fail
        running = client.post(f"/api/videos/{long['id']}/outputs", json={"kind": "scenes", "width": 640}).json()
        deadline = time.monotonic() + 60
        while client.get(f"/api/jobs/{running['id']}").json()["progress"] < 0.05 and time.monotonic() < deadline:
            time.sleep(0.05)
        filler = fill(data)
        left = free(data)
        # a small commit can still fit in the database log's last page: request until refused
        for attempt in range(200):
            response = client.post(f"/api/thumbnails/{video}/{100 + attempt}/0")
            codes["request"].append(response.status_code)
            if response.status_code != 202:
                disk_full(response, data)
                break
        assert codes["request"][-1] == 507, codes
        response = client.post("/api/videos", files={"video": ("late.mp4", media["noise"].read_bytes())})
        codes["upload"].append(response.status_code)
        disk_full(response, data)
        stuck = wait_for(client, f"/api/jobs/{running['id']}", status="FAILED", timeout=120)
        assert "is full" in stuck["error"], stuck
        assert client.get("/api/health").json()["jobs"]["RUNNING"] == 0
        assert [j for j in client.get("/api/jobs", params={"limit": 1000}).json() if j["status"] == "RUNNING"] == []
        assert partial_files(data) == []

        # 4. space freed: everything works again, no restart
        filler.unlink()
        for gone in uploaded[len(uploaded) // 2:]:
            assert client.delete(f"/api/videos/{gone['id']}").status_code == 204
        retried = client.post(f"/api/jobs/{running['id']}/retry")
        assert retried.status_code == 202, retried.text
        again = client.post(f"/api/jobs/{failed_job['id']}/retry")
        assert again.status_code == 202, again.text
        assert wait_for(client, f"/api/jobs/{running['id']}", timeout=180)["status"] == "COMPLETED"
        png = wait_for(client, f"/api/jobs/{failed_job['id']}", timeout=120)
        picture = cv2.imdecode(np.frombuffer(client.get(f"/api/jobs/{png['id']}/output").content, np.uint8), cv2.IMREAD_COLOR)
        assert picture is not None and picture.shape[1] == png["width"]
        late = client.post("/api/videos", files={"video": ("late.mp4", media["noise"].read_bytes())})
        assert late.status_code == 201, late.text
        thumb = client.post(f"/api/thumbnails/{late.json()['id']}/160/0")
        assert wait_for(client, f"/api/jobs/{thumb.json()['id']}")["width"] == 160
    assert partial_files(data) == []
    log = server.log()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
    print(f"\ndisk full on a {SIZE_MB} MB tmpfs: uploads {codes['upload']}, job requests {codes['request']}; "
          f"Content-Length refusal in {took * 1000:.1f} ms; {left} bytes left when filled; "
          f"upload message: {upload_message}")


# -- the dashboard's banner ----------------------------------------------------------------------------
def banner_texts(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Low disk space" in w.value]


@pytest.mark.parametrize(("min_free_mb", "shown"), [(10**9, True), (0, False)])
def test_the_dashboard_warns_when_free_space_is_under_vtm_min_free_mb(tmp_path: Path, min_free_mb: int, shown: bool) -> None:
    rt = assembly.build(Settings(data_dir=tmp_path / "data", workers=1, isolation="thread", min_free_mb=min_free_mb),
                        start_workers=False).install()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
        assert not at.exception
        texts = banner_texts(at)
        assert bool(texts) is shown, texts
        if shown:
            assert str(tmp_path / "data") in texts[0].replace("\\", "") and "VTM_MIN_FREE_MB" in texts[0], texts[0]
    finally:
        rt.close()


# -- in process: the progress write and the final status write fail, the decoder pool stays right -----
def test_failing_progress_and_status_writes_neither_break_the_job_nor_the_next_ones(
        tmp_path: Path, media: dict[str, Path], caplog: pytest.LogCaptureFixture) -> None:
    indexed = write_clip(tmp_path / "indexed.mp4", clips.index_frame, width=320, height=240, seconds=4.0, fps=25)
    with mounted(tmp_path / "data", 32) as data:
        settings = Settings(data_dir=data, workers=1, isolation="process", job_memory_mb=1024)
        rt = assembly.build(settings, start_workers=False)
        try:
            long = rt.service.add_local_file(media["long"])
            other = rt.service.add_local_file(indexed)
            job, _ = rt.service.request_output(long.id, JobKind.SCENES, {"width": 320})
            worker = threading.Thread(target=rt.workers.run_once)
            worker.start()
            deadline = time.monotonic() + 60
            while rt.store.get_job(job.id).progress < 0.05 and time.monotonic() < deadline:
                time.sleep(0.02)
            filler = fill(data)
            with pytest.raises(DiskFull):  # use up what the database log's last page still holds
                for n in range(500):
                    rt.service.request_thumbnail(other.id, 64 + n, 0)
            worker.join(120)
            failed = rt.store.get_job(job.id)
            assert failed.status is JobStatus.FAILED and "is full" in (failed.error or ""), failed
            assert "a progress report failed" in caplog.text
            assert "kept in memory" in caplog.text, "the final status write should have failed too"
            assert rt.store.count_jobs_by_status()[JobStatus.RUNNING] == 0
            assert list(data.rglob("*.part")) == [] and [p.name for p in (data / "tmp").iterdir()] == []

            filler.unlink()
            assert rt.store.flush_unsaved() == 0
            for queued in rt.store.list_jobs(status=JobStatus.QUEUED, limit=None):
                rt.store.discard_job(queued.id)
            asked = {frame: rt.service.request_thumbnail(other.id, 96 + frame, 0, at=f"{frame / 25 + 0.01:.3f}")
                     for frame in range(3, 90, 9)}
            rt.workers.drain()
            for frame, request in asked.items():
                done = rt.store.get_job(request.id)
                assert done.status is JobStatus.COMPLETED, done
                picture = cv2.imread(str(rt.data.absolute(done.output_path or "")))
                assert picture.shape[1] == 96 + frame and clips.read_index(picture) == frame
        finally:
            rt.close()
        store = Store(data / "vtm.duckdb")  # the FAILED status reached the file
        try:
            saved = store.get_job(job.id)
            assert saved.status is JobStatus.FAILED and "is full" in (saved.error or "")
        finally:
            store.close()


def test_vtm_starts_on_a_full_disk_serves_reads_and_writes_again_once_there_is_room(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    with mounted(tmp_path / "data", 16) as data:
        settings = Settings(data_dir=data, workers=1, isolation="thread")
        rt = assembly.build(settings, start_workers=False)
        video = rt.service.add_local_file(videos["landscape"])
        rt.close()
        filler = fill(data)
        rt = assembly.build(settings, start_workers=False)  # nothing to write at start: it starts
        try:
            assert [v.id for v in rt.service.list_videos()] == [video.id]
            with pytest.raises(DiskFull) as full:
                for n in range(500):
                    rt.service.request_thumbnail(video.id, 64 + n, 0)
            assert str(data) in full.value.message
            filler.unlink()
            job = rt.service.request_thumbnail(video.id, 48, 0)
            rt.workers.drain()
            assert rt.store.get_job(job.id).status is JobStatus.COMPLETED
        finally:
            rt.close()
