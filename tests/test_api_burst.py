"""The API's routes in process, in burst mode (no job runs until `drain()`): an image
asked for while its job is QUEUED, and the token settings (`VTM_API_TOKEN`,
`VTM_API_TOKEN_READS`, upload tickets)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.api_server import error_code, in_process
from vtm import tickets


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_image_is_409_while_queued_or_running_and_says_so(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = (await c.post("/api/videos", files={"video": ("q.mp4", videos["landscape"].read_bytes())})).json()
        job = (await c.post(f"/api/thumbnails/{video['id']}/100/0")).json()
        assert job["status"] == "QUEUED"
        waiting = await c.get(f"/api/t/{video['id']}?w=100&h=0")
        assert waiting.status_code == 409 and error_code(waiting) == "not_ready"
        assert "still QUEUED" in waiting.json()["error"]["message"]
        assert (await c.get(f"/api/jobs/{job['id']}/output")).status_code == 409
        rt.workers.drain()
        ready = await c.get(f"/api/t/{video['id']}?w=100&h=0")
        assert ready.status_code == 200 and Image.open(io.BytesIO(ready.content)).size == (100, 75)


WRITE = ("POST", "/api/thumbnails/1/10/10")
READ = ("GET", "/api/jobs")


@pytest.mark.parametrize(
    ("settings", "call", "headers", "status"),
    [
        ({}, WRITE, {}, 404),  # no token configured: writes are open (404: no video 1)
        ({"api_token": "s3cret"}, WRITE, {}, 401),
        ({"api_token": "s3cret"}, WRITE, {"Authorization": "Bearer wrong"}, 401),
        ({"api_token": "s3cret"}, WRITE, {"Authorization": "Basic s3cret"}, 401),
        ({"api_token": "s3cret"}, WRITE, {"Authorization": "Bearer s3cret"}, 404),
        ({"api_token": "s3cret"}, ("DELETE", "/api/videos/1"), {}, 401),
        ({"api_token": "s3cret"}, READ, {}, 200),  # reads stay open
        ({"api_token": "s3cret", "api_token_reads": True}, READ, {}, 401),
        ({"api_token": "s3cret", "api_token_reads": True}, READ, {"Authorization": "Bearer s3cret"}, 200),
        ({"api_token": "s3cret", "api_token_reads": True}, ("GET", "/api/t/1?w=5"), {}, 401),
        # An upload ticket opens uploads only, and only while it lasts.
        ({"api_token": "s3cret"}, ("POST", "/api/videos"), {tickets.HEADER: tickets.mint("s3cret")}, 400),
        ({"api_token": "s3cret"}, ("POST", "/api/videos"), {tickets.HEADER: tickets.mint("s3cret", now=0)}, 401),
        ({"api_token": "s3cret"}, ("POST", "/api/videos"), {tickets.HEADER: tickets.mint("other")}, 401),
        ({"api_token": "s3cret"}, WRITE, {tickets.HEADER: tickets.mint("s3cret")}, 401),
    ],
)
@pytest.mark.anyio
async def test_token(tmp_path: Path, settings: dict[str, Any], call: tuple[str, str], headers: dict[str, str],
                     status: int) -> None:
    async with in_process(tmp_path, **settings) as (_, c):
        response = await c.request(*call, headers=headers)
        assert response.status_code == status, response.text
        if status == 401:
            assert response.headers["www-authenticate"] == "Bearer"
            assert error_code(response) == "unauthorized"


@pytest.mark.anyio
async def test_upload_with_ticket_when_a_token_is_set(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path, api_token="s3cret") as (_, c):
        files = {"video": ("t.mp4", videos["landscape"].read_bytes())}
        assert (await c.post("/api/videos", files=files)).status_code == 401
        ok = await c.post("/api/videos", files=files, headers={tickets.HEADER: tickets.mint("s3cret")})
        assert ok.status_code == 201, ok.text
