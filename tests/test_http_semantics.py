"""HTTP semantics of /api (vtm/web/fallback.py, vtm/web/files.py): everything under /api
answers JSON (404 with a code, 405 with `Allow`), HEAD works wherever GET does,
conditional requests follow RFC 9110, and protected reads are never publicly cacheable."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from tests.api_server import LiveServer, client_for, error_code, in_process, serve_module, wait_for
from vtm import web

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SAMPLE = {"video_id": "1", "job_id": "1", "webhook_id": "1", "width": "64", "height": "0", "name": "x.jpg", "fmt": "webp"}


def concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: SAMPLE[m.group(1)], path)


def served() -> dict[str, set[str]]:
    """Each route's path (made concrete) and the methods some route answers on it."""
    paths: dict[str, set[str]] = {}
    for route in web.routes():
        if isinstance(route, Route) and route.methods:
            paths.setdefault(concrete(route.path), set()).update(route.methods)
    return paths


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve_module(tmp_path_factory, "semantics")


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    yield from client_for(server)


@pytest.fixture(scope="module")
def thumb(client: httpx.Client, videos: dict[str, Path]) -> dict[str, Any]:
    video = client.post("/api/videos", files={"video": ("sem.mp4", videos["landscape"].read_bytes())}).json()
    job = client.post(f"/api/thumbnails/{video['id']}/64/0").json()
    return wait_for(client, f"/api/jobs/{job['id']}")


@pytest.mark.parametrize(("path", "status", "code"), [
    *[(path, 404, "not_found") for path in ("/api", "/api/", "/api/nope", "/api/videos/1/nope", "/api/jobs/1/files",
                                            "/api/t", "/api/VIDEOS", "/api/health/", "/api/jobs/1/output/x")],
    pytest.param("/api/" + "x" * 5000, 404, "not_found", id="long"),
    # Streamlit's path check answers these before any route: still JSON under /api
    ("/api/%2e%2e/vtm.duckdb", 400, "bad_request"), ("/api/jobs/1%2F..%2Foutput", 400, "bad_request"),
    ("/api//etc/passwd", 404, "not_found"),
])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PATCH", "PROPFIND"])
def test_unknown_api_paths_answer_json(client: httpx.Client, path: str, status: int, code: str, method: str) -> None:
    response = client.request(method, path)
    assert response.status_code == status, (method, path, response.status_code, response.text[:80])
    assert response.headers["content-type"] == "application/json"
    assert error_code(response) == code
    assert len(response.json()["error"]["message"]) < 200


def test_the_dashboard_still_serves_its_pages_beside_the_api(client: httpx.Client) -> None:
    for page in ("/", "/library", "/jobs", "/upload", "/library?video=1"):
        response = client.get(page)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), page
        assert b'<div id="root">' in response.content
    assert client.get("/api/nope").headers["content-type"] == "application/json"


def test_a_wrong_method_is_405_json_with_allow_on_every_route(client: httpx.Client, thumb: dict[str, Any]) -> None:
    assert [getattr(r, "path", None) for r in web.routes()[-2:]] == ["/api", "/api/{rest:path}"]  # no route after the catch-all
    checked = 0
    for path, allowed in served().items():
        for method in set(METHODS) - allowed:
            response = client.request(method, path)
            assert response.status_code == 405, (method, path, response.status_code, response.text[:80])
            assert response.headers["content-type"] == "application/json"
            assert set(response.headers["allow"].split(", ")) == allowed, (method, path)
            if method != "HEAD":
                assert error_code(response) == "method_not_allowed"
            checked += 1
    assert checked > 60


def test_head_answers_what_get_answers_without_a_body(client: httpx.Client, thumb: dict[str, Any]) -> None:
    paths = [p for p, allowed in served().items() if "GET" in allowed and p != "/api/events"]
    paths += [f"/api/t/{thumb['video_id']}?w=64&h=0", f"/api/jobs/{thumb['id']}/output", "/api/nope", "/api/videos/1/x"]
    for path in paths:
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code, path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.content == b"", path
    nope = client.head("/api/nope")
    assert nope.status_code == 404 and nope.headers["content-type"] == "application/json" and nope.content == b""
    started = time.monotonic()
    events = client.head("/api/events", timeout=5)  # a stream has no end: HEAD must not wait for one
    assert events.status_code == 200 and events.headers["content-type"].startswith("text/event-stream")
    assert time.monotonic() - started < 2


def _conditional_cases(etag: str) -> list[tuple[dict[str, str], int]]:
    future, past = formatdate(time.time() + 3600, usegmt=True), formatdate(0, usegmt=True)
    return [
        ({"If-None-Match": etag}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": f"W/{etag}"}, 304),
        ({"If-None-Match": f'"nope", W/"other", {etag}'}, 304),
        ({"If-None-Match": f"{etag},W/\"x\""}, 304),
        ({"If-None-Match": '"nope"'}, 200),
        ({"If-None-Match": 'W/"nope"'}, 200),
        ({"If-None-Match": etag[:-2] + '"'}, 200),
        ({"If-Modified-Since": future}, 304),
        ({"If-Modified-Since": past}, 200),
        ({"If-Modified-Since": "yesterday-ish"}, 200),
        ({"If-None-Match": '"nope"', "If-Modified-Since": future}, 200),  # If-None-Match wins (RFC 9110 13.2.2)
    ]


def test_conditional_requests_follow_rfc_9110(client: httpx.Client, thumb: dict[str, Any], videos: dict[str, Path]) -> None:
    video = thumb["video_id"]
    sheet = client.post(f"/api/videos/{video}/outputs", json={"kind": "sheet", "columns": 1, "rows": 1}).json()
    wait_for(client, f"/api/jobs/{sheet['id']}")
    for path in (f"/api/t/{video}?w=64&h=0", f"/api/jobs/{thumb['id']}/output", f"/api/jobs/{sheet['id']}/files/sheet.jpg"):
        fresh = client.get(path)
        assert fresh.status_code == 200 and fresh.content
        etag = fresh.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{20}"', etag)
        for headers, status in _conditional_cases(etag):
            for method in ("GET", "HEAD"):
                response = client.request(method, path, headers=headers)
                assert response.status_code == status, (path, method, headers, response.status_code)
                if status == 304:
                    assert response.content == b"" and response.headers["etag"] == etag
                    assert response.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.anyio
@pytest.mark.parametrize(("reads", "expected"), [(True, "private, max-age=3600"), (False, "public, max-age=3600")])
async def test_reads_that_needed_the_token_are_private(tmp_path: Path, videos: dict[str, Path], reads: bool,
                                                       expected: str) -> None:
    auth = {"Authorization": "Bearer t0ken"}
    async with in_process(tmp_path, api_token="t0ken", api_token_reads=reads) as (rt, c):
        video = (await c.post("/api/videos", files={"video": ("p.mp4", videos["landscape"].read_bytes())}, headers=auth)).json()
        thumb = (await c.post(f"/api/thumbnails/{video['id']}/64/0", headers=auth)).json()
        board = (await c.post(f"/api/videos/{video['id']}/outputs", json={"kind": "storyboard", "every": 1}, headers=auth)).json()
        rt.workers.drain()
        paths = [f"/api/t/{video['id']}?w=64&h=0", f"/api/jobs/{thumb['id']}/output", f"/api/jobs/{board['id']}/output",
                 f"/api/jobs/{board['id']}/files/storyboard-0.jpg"]
        for path in paths:
            if reads:
                assert (await c.get(path)).status_code == 401
            ok = await c.get(path, headers=auth)
            assert ok.status_code == 200, path
            assert ok.headers["cache-control"] == expected, path
            again = await c.get(path, headers={**auth, "If-None-Match": ok.headers["etag"]})
            assert again.status_code == 304 and again.headers["cache-control"] == expected, path
