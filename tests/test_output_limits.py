"""The final size of every output is checked when it is requested (vtm/output_limits.py):
extreme-aspect videos (64x8192, 8192x64, made here) through the API for every kind and
fit, grids and previews of big videos, the CLI, and the poster of a very tall video."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests import media
from tests.api_server import ROOT, in_process
from vtm import kinds
from vtm.kinds.limits import MAX_PIXELS, MAX_PREVIEW_PIXELS, MAX_SHEET_SIDE, MAX_SIDE, OutputTooLarge
from vtm.models import JobKind, JobStatus, Video, VideoStatus


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def extreme(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("extreme")
    return {"tall": media.clip(folder / "tall.mp4", width=64, height=8192, seconds=1.0, fps=5),
            "wide": media.clip(folder / "wide.mp4", width=8192, height=64, seconds=1.0, fps=5)}


def video(width: int, height: int, duration: float = 600.0) -> Video:
    return Video(id=1, filename="v.mp4", status=VideoStatus.COMPLETED, path="", size=0, sha256="", width=width,
                 height=height, duration=duration)


# Requests refused on a 64x8192 (tall) and an 8192x64 (wide) video, with the size they would have had.
THUMBS = [("tall", 1400, 0, "1400x179200"), ("tall", 7680, 0, "7680x983040"), ("tall", 961, 0, "961x123008"),
          ("wide", 0, 1400, "179200x1400"), ("wide", 0, 7680, "983040x7680")]
OUTPUTS = [("tall", {"kind": "sheet"}), ("tall", {"kind": "sheet", "width": 1280, "columns": 12, "rows": 20}),
           ("tall", {"kind": "storyboard"}), ("tall", {"kind": "preview"}), ("tall", {"kind": "scenes"}),
           ("tall", {"kind": "sheet", "width": 32, "rows": 4}), ("tall", {"kind": "storyboard", "width": 32, "count": 40})]


@pytest.mark.anyio
async def test_extreme_aspect_videos_are_refused_by_final_size_and_what_fits_is_made(tmp_path: Path,
                                                                                    extreme: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        ids = {}
        for name, path in extreme.items():
            response = await c.post("/api/videos", files={"video": (path.name, path.read_bytes())})
            assert response.status_code == 201, response.text
            ids[name] = response.json()["id"]
        for name, width, height, size in THUMBS:
            for fit in ("cover", "contain", "stretch"):
                for fmt in ("png", "jpg", "webp"):
                    query = f"format={fmt}&fit={fit}"
                    for response in (await c.post(f"/api/thumbnails/{ids[name]}/{width}/{height}?{query}"),
                                     await c.get(f"/api/t/{ids[name]}?w={width}&h={height}&{query}"),
                                     await c.post(f"/api/videos/{ids[name]}/outputs", json={
                                         "kind": "thumbnail", "width": width, "height": height, "fit": fit, "format": fmt})):
                        assert response.status_code == 422, (name, width, height, fit, response.text)
                        error = response.json()["error"]
                        assert error["code"] == "output_too_large"
                        assert size in error["message"] and str(MAX_SIDE) in error["message"] and "MAX_SIDE" in error["message"]
        for name, body in OUTPUTS:
            response = await c.post(f"/api/videos/{ids[name]}/outputs", json=body)
            assert response.status_code == 422, (name, body, response.text)
            assert response.json()["error"]["code"] == "output_too_large", body
        assert rt.store.list_jobs() == []  # nothing was queued
        # What fits is made, at the size checked.
        tall, wide = {"id": ids["tall"]}, {"id": ids["wide"]}
        jobs = [(await c.post(f"/api/thumbnails/{tall['id']}/0/7680?format=png&fit=stretch")).json(),
                (await c.post(f"/api/thumbnails/{wide['id']}/7680/0?fit=contain")).json(),
                (await c.post(f"/api/videos/{tall['id']}/outputs", json={"kind": "sheet", "width": 32, "rows": 3})).json(),
                (await c.post(f"/api/videos/{wide['id']}/outputs", json={"kind": "storyboard", "width": 640})).json()]
        rt.workers.drain()
        expected = [(60, 7680), (7680, 60), None, None]
        for job, size in zip(jobs, expected, strict=True):
            done = rt.store.get_job(job["id"])
            assert done.status is JobStatus.COMPLETED, done.error
            with Image.open(rt.data.absolute(done.output_path) if done.kind is JobKind.THUMBNAIL
                            else next(rt.data.output_dir(done.id).glob("*.jpg"))) as image:
                if size:
                    assert image.size == size
                assert max(image.size) <= MAX_SHEET_SIDE and image.width * image.height <= MAX_PIXELS


USUAL = [(JobKind.SHEET, {"columns": 12, "rows": 20, "width": 320}),
         (JobKind.STORYBOARD, {"columns": 10, "rows": 10, "width": 640}),
         (JobKind.PREVIEW, {"moments": 12, "seconds": 2.5, "fps": 10, "width": 960}),
         (JobKind.THUMBNAIL, {"width": 7680, "height": 0}), (JobKind.SCENES, {"width": 1280})]


@pytest.mark.parametrize(("kind", "width", "height", "options"), [
    (JobKind.SHEET, 1920, 1080, {"columns": 12, "rows": 20, "width": 1280}),  # 15438 x 14526: pixels
    (JobKind.SHEET, 1080, 1920, {"columns": 4, "rows": 8, "width": 1280}),  # tile 1080x1920, 8 rows: a side
    (JobKind.STORYBOARD, 1920, 1080, {"columns": 30, "rows": 30, "width": 640}),  # 19200 wide
    (JobKind.STORYBOARD, 1920, 1080, {"columns": 10, "rows": 30, "width": 640, "count": 300}),  # 10800 tall, 69 MP
    (JobKind.PREVIEW, 1080, 1920, {"moments": 12, "seconds": 2.5, "fps": 10, "width": 960}),  # 300 x 960x1707
    (JobKind.THUMBNAIL, 1920, 1080, {"width": 0, "height": 7680}),  # 13653 wide
])
def test_grids_and_previews_are_checked_as_a_whole(kind: JobKind, width: int, height: int, options: dict[str, Any]) -> None:
    with pytest.raises(OutputTooLarge) as refused:
        kinds.parse(kind, options, video(width, height))
    message = refused.value.message
    assert any(name in message for name in ("MAX_SHEET_SIDE", "MAX_PIXELS", "MAX_PREVIEW_PIXELS", "MAX_SIDE"))
    for usual_kind, usual in USUAL:  # the usual requests on a 1080p video still fit
        kinds.parse(usual_kind, usual, video(1920, 1080))
    assert MAX_PREVIEW_PIXELS == 300 * 960 * 540


def test_the_cli_refuses_the_same_sizes(extreme: dict[str, Path], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "vtm", "thumbnail", str(extreme["tall"]), "--size", "1400x0", "-q",
                           "-o", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "1400x179200" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_the_poster_of_a_very_tall_video_is_bounded(tmp_path: Path, extreme: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        tall = (await c.post("/api/videos", files={"video": ("tall.mp4", extreme["tall"].read_bytes())})).json()
        poster_path = rt.service.poster_path(rt.store.get_video(tall["id"]))
        assert poster_path is not None
        with Image.open(io.BytesIO(poster_path.read_bytes())) as poster:
            assert poster.size == (8, 960)  # was 480x61440
