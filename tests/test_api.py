"""The HTTP API over HTTP against the real server (`streamlit run app.py`): the old
service's flow end to end, every row of the issue's table and its errors, file names,
ETag/304, CORS and cross-site writes. Events: test_api_events.py; a job held QUEUED and
the token settings: test_api_burst.py."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.api_server import LiveServer, error_code, wait_for


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("api") / "data").start()
    yield live
    took = live.stop()
    assert took < 10, f"Ctrl-C took {took:.1f} s"
    assert live.errors() == []
    assert "vtm.web.lifespan: VTM stopped" in live.log()  # the workers and the database closed, then the exit


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def clip(client: httpx.Client, videos: dict[str, Path]) -> dict[str, Any]:
    """The landscape clip (320x240, 2 s), uploaded once for the module."""
    response = client.post("/api/videos", files={"video": ("landscape.mp4", videos["landscape"].read_bytes(), "video/mp4")})
    assert response.status_code == 201, response.text
    return response.json()


# -- the old service's flow, end to end through the real server ----------------------
def test_old_service_flow_upload_list_request_poll_fetch(client: httpx.Client, videos: dict[str, Path]) -> None:
    upload = client.post("/api/videos", files={"video": ("flow.mkv", videos["wide"].read_bytes())})
    assert upload.status_code == 201, upload.text
    video = upload.json()
    assert {"id", "filename", "status"} <= set(video) and video["filename"] == "flow.mkv"
    assert video["status"] == "COMPLETED" and (video["width"], video["height"]) == (640, 360)

    listed = client.get("/api/videos").json()
    assert video["id"] in [v["id"] for v in listed]
    assert all(v["status"] == "COMPLETED" for v in listed)
    upload_job = client.get(f"/api/jobs/videos/{video['id']}").json()
    assert (upload_job["id"], upload_job["filename"], upload_job["status"]) == (video["id"], "flow.mkv", "COMPLETED")

    requested = client.post(f"/api/thumbnails/{video['id']}/200/0")
    assert requested.status_code == 202, requested.text
    job = requested.json()
    assert {"height", "id", "status", "video_id", "width"} <= set(job)
    assert (job["video_id"], job["width"], job["height"]) == (video["id"], 200, 112)
    again = client.post(f"/api/thumbnails/{video['id']}/200/112")
    assert again.status_code == 202 and again.json()["id"] == job["id"], "the same request must give the same job"

    done = wait_for(client, f"/api/jobs/thumbnails/{job['id']}")
    assert done["output_url"] == f"/api/jobs/{job['id']}/output"
    image = client.get(f"/api/t/{video['id']}", params={"w": 200, "h": 0})
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["etag"] and "max-age" in image.headers["cache-control"]
    assert Image.open(io.BytesIO(image.content)).size == (200, 112)
    assert client.get(done["output_url"]).content == image.content


# -- POST /api/videos ----------------------------------------------------------------
def multipart(field: str, filename: str | None, data: bytes) -> dict[str, Any]:
    return {"files": {field: (filename, data, "video/mp4")}}


def upload_files(server: LiveServer) -> set[Path]:
    """What an upload writes: files in data/tmp and data/videos."""
    return {p for folder in ("tmp", "videos") for p in (server.data_dir / folder).rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("name", "request_kwargs", "status", "code"),
    [
        ("not multipart", {"data": {"video": "x"}}, 400, "not_multipart"),
        ("no body", {}, 400, "not_multipart"),
        ("other field", multipart("file", "a.mp4", b"x"), 400, "no_file"),
        ("empty filename", multipart("video", "", b"x"), 400, "empty_filename"),
        ("blank filename", multipart("video", "   ", b"x"), 400, "empty_filename"),
        ("dots only", multipart("video", "..", b"x"), 400, "empty_filename"),
        ("empty file", multipart("video", "empty.mp4", b""), 415, "empty_file"),
        ("not a video", multipart("video", "notes.mp4", b"hello, this is text" * 100), 415, None),
        ("HLS playlist", multipart("video", "list.m3u8", b"#EXTM3U\n#EXTINF:1,\n/etc/passwd\n"), 415, None),
        ("unknown option", {**multipart("video", "q.mp4", b"x"), "params": {"x": "1"}}, 422, "unknown_option"),
    ],
)
def test_upload_refusals(client: httpx.Client, server: LiveServer, name: str, request_kwargs: dict[str, Any],
                         status: int, code: str | None) -> None:
    before = upload_files(server)
    count = len(client.get("/api/videos").json())
    response = client.post("/api/videos", **request_kwargs)
    assert response.status_code == status, response.text
    got = error_code(response)
    assert code is None or got == code
    assert upload_files(server) == before, "a refused upload left a file"
    assert len(client.get("/api/videos").json()) == count, "a refused upload left a row"


def test_duplicate_name_is_409_and_keeps_the_first(client: httpx.Client, clip: dict[str, Any], videos: dict[str, Path]) -> None:
    response = client.post("/api/videos", files={"video": ("landscape.mp4", videos["wide"].read_bytes())})
    assert response.status_code == 409 and error_code(response) == "duplicate_name"
    assert "landscape.mp4" in response.json()["error"]["message"]
    assert client.get(f"/api/videos/{clip['id']}").json()["sha256"] == clip["sha256"]


@pytest.mark.parametrize(  # (sent, shown: kept as given, stored on disk under)
    ("filename", "shown", "stored"),
    [("../../etc/evil.mp4", "../../etc/evil.mp4", "evil.mp4"),
     ("C:\\temp\\win.mp4", "win.mp4", "win.mp4"),  # python-multipart takes the base name of a Windows path (old IE)
     ("<script>alert(1)<\\script>.mp4", "<script>alert(1)<\\script>.mp4", "script.mp4"),
     ("nul\x00byte.mp4", "nulbyte.mp4", "nulbyte.mp4"), ("ünïcödé clip.mp4", "ünïcödé clip.mp4", "ünïcödé clip.mp4"),
     ("a" * 300 + ".mp4", "a" * 196 + ".mp4", "a" * 196 + ".mp4")],
)
def test_client_filenames_never_become_paths(client: httpx.Client, server: LiveServer, videos: dict[str, Path],
                                             filename: str, shown: str, stored: str) -> None:
    # Built by hand: httpx would percent-encode the NUL and quotes; a hostile client does not.
    boundary = "vtmtestboundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="{filename}"\r\n'
            f"Content-Type: video/mp4\r\n\r\n").encode() + videos["portrait"].read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/api/videos", content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 201, response.text
    video = response.json()
    assert video["filename"] == shown  # kept as given (issue 13), control characters aside
    assert [p.name for p in (server.data_dir / "videos" / str(video["id"]) / "source").iterdir()] == [stored]
    assert client.delete(f"/api/videos/{video['id']}").status_code == 204


def test_two_uploads_of_one_name_at_once_give_one_video(client: httpx.Client, server: LiveServer,
                                                         videos: dict[str, Path]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def upload(source: str) -> httpx.Response:
        with server.client() as c:
            return c.post("/api/videos", files={"video": ("twice.mp4", videos[source].read_bytes())})

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(upload, ["landscape", "fade"]))
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert [v["id"] for v in client.get("/api/videos", params={"q": "twice"}).json()] == [winner["id"]]
    assert sorted(p.name for p in (server.data_dir / "videos").iterdir() if (p / "source" / "twice.mp4").exists()) == [str(winner["id"])]
    assert list((server.data_dir / "tmp").iterdir()) == []


def test_metadata_is_real_or_null(client: httpx.Client, clip: dict[str, Any]) -> None:
    video = client.get(f"/api/videos/{clip['id']}").json()
    assert (video["width"], video["height"], video["codec"]) == (320, 240, "h264")
    assert video["duration"] == pytest.approx(2.0, abs=0.05) and video["fps"] == pytest.approx(25)
    assert video["frame_count"] == 50
    for key in ("duration", "fps", "frame_count", "size"):
        assert video[key] is None or video[key] >= 0


# -- videos and jobs -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/videos/999999", 404, "not_found"),
        ("DELETE", "/api/videos/999999", 404, "not_found"),
        ("GET", "/api/videos/abc", 422, "invalid_input"),
        ("GET", "/api/videos?sort=sideways", 422, "invalid_input"),
        ("GET", "/api/videos?color=red", 422, "unknown_option"),
        ("GET", "/api/videos?limit=0", 422, "invalid_input"),
        ("GET", "/api/videos?limit=1001", 422, "invalid_input"),
        ("GET", "/api/videos?limit=5&offset=-1", 422, "invalid_input"),
        ("GET", "/api/jobs?status=DONE", 422, "invalid_input"),
        ("GET", "/api/jobs?kind=movie", 422, "invalid_input"),
        ("GET", "/api/jobs?limit=0", 422, "invalid_input"),
        ("GET", "/api/jobs?limit=many", 422, "invalid_input"),
        ("GET", "/api/jobs?offset=-1", 422, "invalid_input"),
        ("GET", "/api/jobs?page=2", 422, "unknown_option"),
        ("GET", "/api/jobs/videos/999999", 404, "not_found"),
        ("GET", "/api/jobs/thumbnails/999999", 404, "not_found"),
        ("GET", "/api/jobs/999999", 404, "not_found"),
        ("GET", "/api/jobs/999999/output", 404, "not_found"),
        ("POST", "/api/jobs/999999/retry", 404, "not_found"),
        ("POST", "/api/thumbnails/999999/100/100", 404, "not_found"),
        ("GET", "/api/t/999999?w=100&h=100", 404, "not_found"),
    ],
)
def test_table_errors(client: httpx.Client, method: str, path: str, status: int, code: str) -> None:
    response = client.request(method, path)
    assert response.status_code == status, response.text
    assert error_code(response) == code


@pytest.mark.parametrize(
    ("size_and_query", "message"),
    [
        ("0/0", "width, a height, or both"),
        ("7681/100", "between 0 and 7680"),
        ("100/7681", "between 0 and 7680"),
        ("-1/100", "between 0 and 7680"),
        ("abc/100", "whole number"),
        ("100/100?fit=squash", "fit="),
        ("100/100?format=gif", "format="),
        ("100/100?quality=0", "quality="),
        ("100/100?at=150%25", "percentage"),
        ("100/100?at=soon", "at="),
        ("100/100?pad=red", "pad="),
        ("100/100?fast=maybe", "fast="),
        ("100/100?size=big", "Unknown query option"),
    ],
)
def test_thumbnail_request_422(client: httpx.Client, clip: dict[str, Any], size_and_query: str, message: str) -> None:
    response = client.post(f"/api/thumbnails/{clip['id']}/{size_and_query}")
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "status"),
    [("w=0&h=0", 422), ("", 422), ("w=9999&h=10", 422), ("w=100&h=100&fit=squash", 422), ("w=100&zoom=2", 422),
     ("w=123&h=45", 404)],
)
def test_thumbnail_image_errors(client: httpx.Client, clip: dict[str, Any], query: str, status: int) -> None:
    response = client.get(f"/api/t/{clip['id']}?{query}")
    assert response.status_code == status, response.text
    error_code(response)


def test_videos_list_pages_with_a_total(client: httpx.Client, clip: dict[str, Any], videos: dict[str, Path]) -> None:
    for name in ("paged-b.mp4", "paged-a.mp4", "paged-c.mp4"):
        added = client.post("/api/videos", files={"video": (name, videos["wide"].read_bytes(), "video/x-matroska")})
        assert added.status_code in (201, 409), added.text
    every = client.get("/api/videos", params={"q": "paged-", "sort": "name"})
    assert "x-total-count" not in every.headers  # without limit: every video, as before
    names = [v["filename"] for v in every.json()]
    assert names == ["paged-a.mp4", "paged-b.mp4", "paged-c.mp4"]
    page = client.get("/api/videos", params={"q": "paged-", "sort": "name", "limit": 2, "offset": 1})
    assert page.status_code == 200 and page.headers["x-total-count"] == "3"
    assert [v["filename"] for v in page.json()] == names[1:3]
    assert page.json()[0] == every.json()[1]  # the same JSON as the whole list
    past = client.get("/api/videos", params={"q": "paged-", "limit": 2, "offset": 10})
    assert past.json() == [] and past.headers["x-total-count"] == "3"


def test_jobs_list_filters_and_newest_first(client: httpx.Client, clip: dict[str, Any]) -> None:
    ids = [client.post(f"/api/thumbnails/{clip['id']}/{w}/0").json()["id"] for w in (40, 41, 42)]
    for job_id in ids:
        wait_for(client, f"/api/jobs/{job_id}")
    listed = client.get("/api/jobs", params={"video_id": clip["id"], "kind": "thumbnail", "status": "COMPLETED"}).json()
    got = [j["id"] for j in listed]
    assert got == sorted(got, reverse=True) and set(ids) <= set(got)
    page = client.get("/api/jobs", params={"video_id": clip["id"], "limit": 2, "offset": 1}).json()
    assert [j["id"] for j in page] == got[1:3]
    assert client.get("/api/jobs", params={"status": "failed"}).status_code == 200


def test_options_pick_the_output_and_formats_have_their_content_type(client: httpx.Client, clip: dict[str, Any]) -> None:
    for fmt, mime in (("png", "image/png"), ("webp", "image/webp")):
        job = client.post(f"/api/thumbnails/{clip['id']}/64/64?format={fmt}&fit=contain&at=50%25").json()
        wait_for(client, f"/api/jobs/{job['id']}")
        image = client.get(f"/api/t/{clip['id']}?w=64&h=64&format={fmt}&fit=contain&at=50%25")
        assert image.status_code == 200 and image.headers["content-type"] == mime
        assert Image.open(io.BytesIO(image.content)).size == (64, 64)


def test_etag_gives_304(client: httpx.Client, clip: dict[str, Any]) -> None:
    job = client.post(f"/api/thumbnails/{clip['id']}/80/60").json()
    wait_for(client, f"/api/jobs/{job['id']}")
    first = client.get(f"/api/t/{clip['id']}?w=80&h=60")
    etag = first.headers["etag"]
    again = client.get(f"/api/t/{clip['id']}?w=80&h=60", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(f"/api/t/{clip['id']}?w=80&h=60", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_delete_removes_video_jobs_and_files(client: httpx.Client, server: LiveServer, videos: dict[str, Path]) -> None:
    video = client.post("/api/videos", files={"video": ("gone.mp4", videos["fade"].read_bytes())}).json()
    job = client.post(f"/api/thumbnails/{video['id']}/50/0").json()
    wait_for(client, f"/api/jobs/{job['id']}")
    assert client.delete(f"/api/videos/{video['id']}").status_code == 204
    assert client.get(f"/api/videos/{video['id']}").status_code == 404
    assert client.get(f"/api/jobs/{job['id']}").status_code == 404
    assert not (server.data_dir / "videos" / str(video["id"])).exists()
    assert not list((server.data_dir / "thumbnails").glob(f"thumbnail_{video['id']}_*"))


def test_health_and_openapi(client: httpx.Client) -> None:
    health = client.get("/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    document = client.get("/api/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")


def test_no_cors_headers(client: httpx.Client) -> None:
    origin = {"Origin": "https://evil.example"}
    got = client.get("/api/videos", headers=origin)
    preflight = client.options("/api/videos", headers={**origin, "Access-Control-Request-Method": "POST"})
    for response in (got, preflight):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")], response.headers


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("POST", {"Sec-Fetch-Site": "cross-site"}, 403),
        ("POST", {"Sec-Fetch-Site": "same-site"}, 403),
        ("POST", {"Origin": "https://evil.example"}, 403),
        ("POST", {"Origin": "null"}, 403),
        ("POST", {"Sec-Fetch-Site": "same-origin"}, 202),
        ("POST", {"Origin": "SELF"}, 202),
        ("POST", {}, 202),  # curl and scripts send neither
        ("GET", {"Sec-Fetch-Site": "cross-site"}, 200),  # reads are open; without CORS the page cannot read them
    ],
)
def test_writes_from_other_web_sites_are_refused(client: httpx.Client, server: LiveServer, clip: dict[str, Any],
                                                 method: str, headers: dict[str, str], status: int) -> None:
    headers = {k: (server.url if v == "SELF" else v) for k, v in headers.items()}
    path = f"/api/thumbnails/{clip['id']}/24/0" if method == "POST" else f"/api/videos/{clip['id']}"
    response = client.request(method, path, headers=headers)
    assert response.status_code == status, response.text
    if status == 403:
        assert error_code(response) == "forbidden"


def test_usr1_writes_every_threads_stack_to_the_log_and_the_server_goes_on(server: LiveServer, client: httpx.Client) -> None:
    """For a server that hangs: `kill -USR1 <pid>` (vtm/web/lifespan.py), as the tests'
    own `LiveServer.stop` does before it kills one that ignored Ctrl-C."""
    import os
    import signal
    import time

    before = server.log()
    os.kill(server.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while "vtm/worker.py" not in server.log()[len(before):] and time.monotonic() < deadline:
        time.sleep(0.1)  # the dump is written thread by thread: read until a worker's stack is in it
    dump = server.log()[len(before):]
    assert "Thread 0x" in dump and "vtm/worker.py" in dump  # each thread, the workers' among them
    assert client.get("/api/health").status_code == 200
