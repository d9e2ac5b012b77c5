"""POST /api/videos/{id}/outputs and GET /api/jobs/{id}/files/{name}, over HTTP against
the ASGI app (burst mode: jobs run on `drain()`): every kind, same request -> same job,
the storyboard's VTT pointing at sprite URLs that serve, and the errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.api_server import in_process
from vtm.assembly import Assembly
from vtm.media.storyboard import parse_vtt


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _video(rt: Assembly, path: Path) -> dict[str, Any]:
    return rt.service.add_local_file(path).to_dict()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "main", "content_type"),
    [
        ({"kind": "thumbnail", "width": 120, "height": 0, "at": "auto"}, None, "image/jpeg"),
        ({"kind": "sheet", "columns": 2, "rows": 2, "width": 80}, "sheet.jpg", "image/jpeg"),
        ({"kind": "storyboard", "options": {"every": 0.5, "width": 64}}, "storyboard.vtt", "text/vtt"),
        ({"kind": "preview", "moments": 2, "seconds": 0.4, "width": 96}, "preview.webp", "image/webp"),
        ({"kind": "scenes"}, "scenes.json", "application/json"),
    ],
)
async def test_each_kind_queues_once_runs_and_serves(tmp_path: Path, videos: dict[str, Path], body: dict[str, Any],
                                                     main: str | None, content_type: str) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = await _video(rt, videos["landscape"])
        first = await c.post(f"/api/videos/{video['id']}/outputs", json=body)
        again = await c.post(f"/api/videos/{video['id']}/outputs", json=body)
        assert first.status_code == again.status_code == 202, first.text
        job = first.json()
        assert job["status"] == "QUEUED" and job["kind"] == body["kind"] and again.json()["id"] == job["id"]
        assert len(rt.workers.drain()) == 1
        done = (await c.get(f"/api/jobs/{job['id']}")).json()
        assert done["status"] == "COMPLETED" and done["progress"] == 1.0
        output = await c.get(f"/api/jobs/{job['id']}/output")
        assert output.status_code == 200 and output.headers["content-type"].startswith(content_type)
        finished = rt.service.get_job(job["id"])
        files = rt.service.output_files(finished)
        if main:
            assert files[0].name == main and files[0].parent == rt.data.output_dir(job["id"])
        for path in files:
            served = await c.get(f"/api/jobs/{job['id']}/files/{path.name}")
            assert served.status_code == 200 and served.content == path.read_bytes()


@pytest.mark.anyio
async def test_storyboard_vtt_points_at_sprites_the_api_serves(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = await _video(rt, videos["landscape"])
        job = (await c.post(f"/api/videos/{video['id']}/outputs", json={"kind": "storyboard", "every": 0.25, "width": 80,
                                                                         "columns": 3, "rows": 1})).json()
        rt.workers.drain()
        cues = parse_vtt((await c.get(f"/api/jobs/{job['id']}/output")).text)
        assert len(cues) == 8
        for cue in cues:
            assert cue.sprite.startswith(f"/api/jobs/{job['id']}/files/")
            sprite = await c.get(cue.sprite)
            assert sprite.status_code == 200 and sprite.headers["content-type"] == "image/jpeg"
            with Image.open(io.BytesIO(sprite.content)) as image:
                assert cue.x + cue.w <= image.width and cue.y + cue.h <= image.height
        listed = rt.service.storyboard_cues(rt.service.get_job(job["id"]))
        assert len(listed) == 8 and all(cue.path is not None and cue.path.is_file() for cue in listed)


@pytest.mark.anyio
async def test_scenes_of_lists_keyframes(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = await _video(rt, videos["black_intro"])
        job = (await c.post(f"/api/videos/{video['id']}/outputs", json={"kind": "scenes"})).json()
        rt.workers.drain()
        scenes = rt.service.scenes_of(rt.service.get_job(job["id"]))
        assert [round(s["start_s"]) for s in scenes] == [0, 3]  # the cut from black at 3 s
        for scene in scenes:
            assert scene["path"].is_file() and (await c.get(scene["url"])).status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"not json", 400, "bad_request"),
        (b"[1, 2]", 422, "wrong_shape"),
        (b'"sheet"', 422, "wrong_shape"),
        (b'{"columns": 4}', 422, "wrong_shape"),
        (b'{"kind": ["sheet"]}', 422, "wrong_shape"),
        (b'{"kind": "sheet", "options": [3, 3]}', 422, "wrong_shape"),
        (b'{"kind": "sheet", "options": null}', 422, "wrong_shape"),
        (b'{"kind": "sheet", "options": {"rows": 2}, "rows": 3}', 422, "wrong_shape"),
        (b'{"kind": "sheet", "options": {"zoom": 2}}', 422, "invalid_input"),
        (b'{"kind": "sheet", "columns": "4"}', 422, "invalid_input"),
        (b'{"kind": "sheet", "columns": 4.0}', 422, "invalid_input"),
        (b'{"kind": "sheet", "columns": true}', 422, "invalid_input"),
        (b'{"kind": "sheet", "fast": "yes"}', 422, "invalid_input"),
        (b'{"kind": "sheet", "format": 3}', 422, "invalid_input"),
        (b'{"kind": "storyboard", "every": [10]}', 422, "invalid_input"),
        (b'{"kind": "thumbnail", "width": "320", "height": 0}', 422, "invalid_input"),
        (b'{"kind": "poster"}', 422, "invalid_input"),
        (b'{"kind": "crash"}', 422, "invalid_input"),
        (b'{"kind": "sheet", "columns": 99}', 422, "invalid_input"),
        (b'{"kind": "sheet", "zoom": 2}', 422, "invalid_input"),
        (b'{"kind": "storyboard", "every": "NaN"}', 422, "invalid_input"),
        (b'{"kind": "preview", "moments": 12, "seconds": 10, "fps": 30}', 422, "invalid_input"),
        (b'{"kind": "thumbnail"}', 422, "invalid_input"),
        (b'{"kind": "sheet", "pad": "' + b"x" * 70_000 + b'"}', 413, "too_large"),
    ],
)
async def test_bad_requests_say_why(tmp_path: Path, videos: dict[str, Path], body: bytes, status: int, code: str) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = await _video(rt, videos["landscape"])
        response = await c.post(f"/api/videos/{video['id']}/outputs", content=body)
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code and response.json()["error"]["message"]
        assert rt.service.list_jobs() == []


@pytest.mark.anyio
async def test_files_route_refuses_names_not_in_the_output(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = await _video(rt, videos["landscape"])
        assert (await c.post("/api/videos/999/outputs", json={"kind": "sheet"})).status_code == 404
        job = (await c.post(f"/api/videos/{video['id']}/outputs", json={"kind": "sheet", "rows": 1, "columns": 1})).json()
        assert (await c.get(f"/api/jobs/{job['id']}/files/sheet.jpg")).status_code == 409  # not run yet
        rt.workers.drain()
        for name in ("..%2F..%2Fvtm.duckdb", "vtm.lock", "%2E%2E", ".hidden", "sheet.png"):
            response = await c.get(f"/api/jobs/{job['id']}/files/{name}")
            assert response.status_code == 404, name
        ok = await c.get(f"/api/jobs/{job['id']}/files/sheet.jpg")
        assert ok.status_code == 200
        assert (await c.get(f"/api/jobs/{job['id']}/files/sheet.jpg", headers={"If-None-Match": ok.headers["etag"]})).status_code == 304
