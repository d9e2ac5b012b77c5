"""Streaming uploads over HTTP against the real server: the size limit up front (from
Content-Length) and while streaming, aborted uploads, and a 1 GB upload whose memory
the server must not hold (its RSS sampled while the body streams in)."""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api_server import LiveServer, rss_mb, serve_module

BOUNDARY = "vtm-upload-test-boundary"
MB = 1024 * 1024


def head(filename: str) -> bytes:
    return (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="video"; filename="{filename}"\r\n'
            "Content-Type: video/mp4\r\n\r\n").encode()


TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


def body(filename: str, video: bytes, padding: int, chunk: int = MB) -> Iterator[bytes]:
    """A multipart body made on the fly: a real video followed by `padding` zero bytes
    (the container still probes), never more than one chunk in memory."""
    yield head(filename) + video
    zeros = bytes(chunk)
    left = padding
    while left > 0:
        yield zeros[: min(chunk, left)]
        left -= chunk
    yield TAIL


def leftovers(data_dir: Path) -> list[Path]:
    """Files an upload could have left: anything in tmp/ or videos/."""
    return [p for p in (*(data_dir / "tmp").rglob("*"), *(data_dir / "videos").rglob("*")) if p.is_file()]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that takes at most 1 MB per upload."""
    yield from serve_module(tmp_path_factory, "upload", VTM_MAX_UPLOAD_MB="1")


def raw_request(server: LiveServer, headers: dict[str, str], payload: bytes, *, close_early: bool = False) -> bytes:
    """Send a POST /api/videos by hand; with `close_early`, hang up without finishing."""
    lines = ["POST /api/videos HTTP/1.1", f"Host: 127.0.0.1:{server.port}", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        if close_early:
            time.sleep(0.3)
            return b""
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_declared_size_over_the_limit_is_413_before_the_body_is_read(small: LiveServer) -> None:
    headers = {"Content-Type": CONTENT_TYPE, "Content-Length": str(50 * 1024 * MB)}
    answer = raw_request(small, headers, head("huge.mp4") + bytes(1000))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"too_large"' in answer and b"VTM_MAX_UPLOAD_MB" in answer
    assert leftovers(small.data_dir) == []


def test_size_is_checked_while_streaming(small: LiveServer, videos: dict[str, Path]) -> None:
    """No Content-Length (chunked): refused as soon as the limit is passed."""
    with small.client() as c:
        response = c.post("/api/videos", content=body("big.mp4", videos["landscape"].read_bytes(), 3 * MB, chunk=64 * 1024),
                          headers={"Content-Type": CONTENT_TYPE})
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "too_large"
        assert c.get("/api/videos").json() == []
    assert leftovers(small.data_dir) == []


def test_an_upload_under_the_limit_passes(small: LiveServer, videos: dict[str, Path]) -> None:
    with small.client() as c:
        response = c.post("/api/videos", content=body("fits.mp4", videos["landscape"].read_bytes(), 512 * 1024),
                          headers={"Content-Type": CONTENT_TYPE})
        assert response.status_code == 201, response.text
        assert c.delete(f"/api/videos/{response.json()['id']}").status_code == 204


@pytest.mark.parametrize("cut_at", [10, 200 * 1024])
def test_a_client_that_hangs_up_leaves_nothing(small: LiveServer, videos: dict[str, Path], cut_at: int) -> None:
    payload = head("cut.mp4") + videos["landscape"].read_bytes()[:cut_at]
    raw_request(small, {"Content-Type": CONTENT_TYPE, "Content-Length": str(900 * 1024)}, payload, close_early=True)
    deadline = time.monotonic() + 10
    while leftovers(small.data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leftovers(small.data_dir) == []
    with small.client() as c:
        assert c.get("/api/videos").json() == []


def read_response(sock: socket.socket) -> bytes:
    """One HTTP response with a Content-Length, read without waiting for the connection to close."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head_part, _, rest = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head_part.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(rest) < length:
        rest += sock.recv(65536)
    return head_part + b"\r\n\r\n" + rest


@pytest.mark.parametrize(("filename", "status", "code"), [("taken.mp4", 409, "duplicate_name"), ("", 400, "empty_filename")])
def test_a_refused_name_is_answered_before_the_body_is_sent(small: LiveServer, videos: dict[str, Path],
                                                           filename: str, status: int, code: str) -> None:
    """Only the part's header is sent, the body never is: the answer must still come."""
    with small.client() as c:
        first = c.post("/api/videos", files={"video": ("taken.mp4", videos["landscape"].read_bytes())})
        assert first.status_code == 201
        try:
            headers = {"Content-Type": CONTENT_TYPE, "Content-Length": str(800 * 1024)}
            lines = ["POST /api/videos HTTP/1.1", f"Host: 127.0.0.1:{small.port}", *(f"{k}: {v}" for k, v in headers.items())]
            with socket.create_connection(("127.0.0.1", small.port), timeout=10) as sock:
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + head(filename) + b"\x00" * 1000)
                answer = read_response(sock)  # times out (and fails) if the server waits for the rest
            assert answer.startswith(f"HTTP/1.1 {status}".encode()), answer[:200]
            assert f'"{code}"'.encode() in answer
        finally:
            assert c.delete(f"/api/videos/{first.json()['id']}").status_code == 204
    assert leftovers(small.data_dir) == []


class Sampler:
    """Samples a process's RSS and the latency of GET /api/health while an upload runs."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.rss: list[float] = []
        self.latency: list[float] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._rss), threading.Thread(target=self._health)]

    def _rss(self) -> None:
        while not self._stop.wait(0.05):
            self.rss.append(rss_mb(self.server.pid))

    def _health(self) -> None:
        with self.server.client() as c:
            while not self._stop.wait(0.2):
                started = time.perf_counter()
                assert c.get("/api/health").status_code == 200
                self.latency.append(time.perf_counter() - started)

    def __enter__(self) -> Sampler:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()


@pytest.mark.slow
def test_a_1gb_upload_streams_to_disk(tmp_path: Path, videos: dict[str, Path]) -> None:
    live = LiveServer(tmp_path / "data").start()
    try:
        clip = videos["landscape"].read_bytes()
        with live.client() as c:
            assert c.post("/api/videos", files={"video": ("warm-up.mp4", clip)}).status_code == 201
            time.sleep(1)
            baseline = rss_mb(live.pid)
            padding = 1024 * MB - len(clip)
            length = len(head("big.mp4")) + len(clip) + padding + len(TAIL)
            started = time.perf_counter()
            with Sampler(live) as sampled:
                response = c.post("/api/videos", content=body("big.mp4", clip, padding),
                                  headers={"Content-Type": CONTENT_TYPE, "Content-Length": str(length)}, timeout=600)
            seconds = time.perf_counter() - started
            assert response.status_code == 201, response.text
            video = response.json()
            assert video["size"] == 1024 * MB and (video["width"], video["height"]) == (320, 240)
            growth = max(sampled.rss) - baseline
            report = (f"1 GB upload: {seconds:.1f} s, {1024 / seconds:.0f} MB/s, server RSS {baseline:.0f} MB -> "
                      f"peak {max(sampled.rss):.0f} MB (+{growth:.0f} MB), /api/health during it: median "
                      f"{statistics.median(sampled.latency) * 1000:.0f} ms, max {max(sampled.latency) * 1000:.0f} ms")
            print(report)
            (tmp_path.parent / "upload-1gb.txt").write_text(report + "\n")
            assert growth < 100, report
            assert max(sampled.latency) < 1.0, report
            assert list((live.data_dir / "tmp").iterdir()) == []
            assert (live.data_dir / "videos" / str(video["id"]) / "source" / "big.mp4").stat().st_size == 1024 * MB
            assert c.delete(f"/api/videos/{video['id']}").status_code == 204
    finally:
        live.stop()
    assert live.errors() == []


@pytest.mark.browser
def test_the_upload_page_uploads_through_the_api_with_a_ticket(tmp_path: Path, videos: dict[str, Path]) -> None:
    """Headless Chromium on the Upload page, with VTM_API_TOKEN set: several files at
    once (one not a video, named like HTML) go through POST /api/videos with the page's
    ticket; each gets its metadata or its reason, and the name is shown as text."""
    from playwright.sync_api import sync_playwright

    files = tmp_path / "files"
    files.mkdir()
    good = files / "good clip.mp4"
    good.write_bytes(videos["landscape"].read_bytes())
    bad = files / "notes<b>bold<i>.mp4"
    bad.write_text("not a video at all")
    live = LiveServer(tmp_path / "data", VTM_API_TOKEN="s3cret").start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = browser.new_page()
            page.goto(f"{live.url}/upload")
            page.locator("input[type=file]").set_input_files([str(good), str(bad)])
            alerts = page.locator("[data-testid=stAlertContainer]")
            alerts.nth(1).wait_for(timeout=60_000)
            texts = alerts.all_inner_texts()
            assert page.locator("b", has_text="bold").count() == 0, "a file name was rendered as HTML"
            browser.close()
        assert any("good clip.mp4 added · 2.0 s · 320×240 · 25 fps · h264" in t for t in texts), texts
        assert any("notes<b>bold<i>.mp4 was not added" in t and "not a video" in t for t in texts), texts
        with live.client() as c:
            assert [v["filename"] for v in c.get("/api/videos").json()] == ["good clip.mp4"]
    finally:
        live.stop()
    assert live.errors() == []


def test_results_are_rendered_escaped(rt: Any, videos: dict[str, Path]) -> None:
    """Each file's answer: its metadata read back from the library, or its reason, with
    the name shown as text (Markdown and HTML escaped)."""
    from streamlit.testing.v1 import AppTest

    video = rt.service.add_local_file(videos["landscape"], "_bold_ [x](y).mp4")

    def page(video_id: int) -> None:
        from vtm.service import current
        from vtm.ui import upload_view

        upload_view.show_results(current(), [
            {"name": "ignored", "ok": True, "status": 201, "id": video_id},
            {"name": "a<b>[x](javascript:y).mp4", "ok": False, "status": 415, "error": {"code": "u", "message": "bad *stuff*"}},
            {"name": "gone.mp4", "ok": True, "status": 201, "id": 999999},
        ])

    app = AppTest.from_function(page, args=(video.id,), default_timeout=30).run()
    assert not app.exception
    assert [e.value for e in app.success] == [r"**\_bold\_ \[x\]\(y\)\.mp4** added · 2\.0 s · 320×240 · 25 fps · h264"]
    joiner = "\u2060"  # after `:` before a word: no Streamlit icon or emoji shortcode can form (vtm/ui/format.md)
    assert [e.value for e in app.error] == [rf"**a\<b\>\[x\]\(javascript\:{joiner}y\)\.mp4** was not added: bad \*stuff\*"]
    assert len(app.warning) == 1 and "gone" in app.warning[0].value


def test_the_page_mounts_the_uploader_with_a_ticket_only_when_a_token_is_set(tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from vtm import assembly, tickets
    from vtm.config import Settings

    for token in ("", "s3cret"):
        rt = assembly.build(Settings(data_dir=tmp_path / token / "data", workers=1, isolation="thread", api_token=token),
                            start_workers=False).install()
        try:
            app = AppTest.from_file(str(Path(__file__).parent.parent / "pages" / "upload.py"), default_timeout=30).run()
            assert not app.exception
            (component,) = [e for e in app.main if e.type == "bidi_component"]
            data = json.loads(component.proto.json)
            assert data["url"] == "/api/videos" and data["max_bytes"] == 4096 * MB
            assert bool(data["ticket"]) == bool(token)
            if token:
                assert tickets.valid(token, data["ticket"])
        finally:
            rt.close()
