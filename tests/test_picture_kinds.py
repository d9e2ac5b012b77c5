"""Issue 15's options on the existing kinds, end to end: highlight previews through the
API (segments from different scenes, crossfaded), storyboards for media servers from the
CLI (`vtm storyboard --format bif|jellyfin`), and the queue putting a picture someone
waits for first."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.api_server import in_process
from tests.bif_reader import read_bif
from tests.clips import index_frame, read_index
from tests.test_highlights import COLOURS, FPS, dominant, scene_painter
from vtm.assembly import Assembly
from vtm.media.samples import write_clip
from vtm.models import JobKind


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def scenes_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("kinds") / "scenes.mp4", scene_painter, width=320, height=180,
                      seconds=len(COLOURS), fps=FPS)


@pytest.fixture(scope="module")
def index_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("kinds") / "my clip.mp4", index_frame, width=320, height=180,
                      seconds=3.0, fps=10)


@pytest.mark.anyio
async def test_highlights_preview_takes_segments_from_different_scenes(tmp_path: Path, scenes_clip: Path) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = rt.service.add_local_file(scenes_clip)
        body = {"kind": "preview", "highlights": 3, "seconds": 0.4, "fps": 10, "width": 96, "format": "gif"}
        r = await c.post(f"/api/videos/{video.id}/outputs", json=body)
        assert r.status_code == 202, r.text
        assert r.json()["params"]["highlights"] == 3
        rt.workers.drain()
        output = await c.get(f"/api/jobs/{r.json()['id']}/output")
        assert output.status_code == 200 and output.headers["content-type"] == "image/gif"
    gif = Image.open(io.BytesIO(output.content))
    frames = []
    for n in range(gif.n_frames):
        gif.seek(n)
        frames.append(np.asarray(gif.convert("RGB"))[..., ::-1])
    scenes = [dominant(f) for f in frames]
    steady = set(scenes)
    assert len(steady) == 3, f"three scenes shown: {scenes}"
    assert scenes == sorted(scenes), "in the video's order"
    assert 3 not in steady, "the black scene is never a highlight"
    assert not {0, 1} <= steady, "the two reds are too alike to both be picked"
    assert len(frames) < 3 * 4, "crossfades overlap the segments' ends"


def test_preview_start_end_is_one_clip_and_checked(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    job, _ = rt.service.request_output(video.id, JobKind.PREVIEW, {"start": 1, "end": 2, "fps": 5, "width": 160})
    assert job.params["start"] == 1.0 and "highlights" not in job.params and "format" not in job.params
    rt.workers.drain()
    webp = Image.open(rt.service.output_file(rt.service.get_job(job.id)))
    shown = []
    for n in range(webp.n_frames):
        webp.seek(n)
        shown.append(read_index(cv2.resize(np.asarray(webp.convert("RGB"))[..., ::-1], (320, 180))))
    assert shown == [10, 12, 14, 16, 18]
    for bad in ({"start": 2, "end": 1}, {"start": 5}, {"highlights": 13}, {"format": "mp4"}):
        with pytest.raises(Exception, match=r"end=|start=|highlights|format|at most"):
            rt.service.request_output(video.id, JobKind.PREVIEW, bad)


def test_an_urgent_picture_is_claimed_first(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    first, _ = rt.service.request_output(video.id, JobKind.SHEET, {})
    urgent = rt.service.request_urgent(video.id, JobKind.THUMBNAIL, {"width": 64, "at": "1"})
    assert rt.store.claim_next().id == urgent.id
    assert rt.store.claim_next().id == first.id
    # An existing queued job asked for urgently moves up too.
    later, _ = rt.service.request_output(video.id, JobKind.SHEET, {"columns": 2})
    waiting, _ = rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 32})
    rt.service.request_urgent(video.id, JobKind.THUMBNAIL, {"width": 32})
    assert rt.store.claim_next().id == waiting.id
    assert rt.store.claim_next().id == later.id


def test_new_thumbnail_options_leave_old_requests_unchanged(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    job, _ = rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 64})
    assert set(job.params) == {"width", "height", "at", "fit", "format", "quality", "pad", "fast"}
    turned, _ = rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 64, "rotate": "90", "flip_h": True})
    assert (turned.params["rotate"], turned.params["flip_h"], turned.height) == (90, True, 114)
    with pytest.raises(Exception, match="0, 90, 180 or 270"):
        rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 64, "rotate": 45})


def test_cli_storyboard_formats_for_media_servers(tmp_path: Path, index_clip: Path) -> None:
    def vtm(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vtm", "storyboard", str(index_clip), "-q", "-o", str(tmp_path),
                               "--every", "1", "--exact", *args], capture_output=True, text=True, check=False)

    bif = vtm("--format", "bif", "--width", "160")
    assert bif.returncode == 0, bif.stderr
    archive = read_bif((tmp_path / "my clip.bif").read_bytes())
    assert [f.timestamp_ms for f in archive.frames] == [0, 1000, 2000]
    assert [read_index(cv2.resize(cv2.imdecode(np.frombuffer(f.data, np.uint8), 1), (320, 180))) for f in
            archive.frames] == [0, 10, 20]
    jellyfin = vtm("--format", "jellyfin", "--width", "161")
    assert jellyfin.returncode == 0, jellyfin.stderr
    sheet = cv2.imread(str(tmp_path / "my clip.trickplay" / "160 - 10x10" / "0.jpg"))
    assert sheet is not None and sheet.shape[1] == 1600, "an even width, 10 tiles across"
    assert [read_index(cv2.resize(sheet[:90, c * 160 : (c + 1) * 160], (320, 180))) for c in range(3)] == [0, 10, 20]
    assert sorted(p.name for p in (tmp_path / "my clip.trickplay" / "160 - 10x10").iterdir()) == ["0.jpg"]


def wandering_subject(i: int, w: int, h: int, total: int) -> np.ndarray:
    """Grey, a white post standing still at x = w - 100, a red disc wandering near the right edge."""
    image = np.full((h, w, 3), 120, np.uint8)
    image[:, w - 100 : w - 96] = 255
    cv2.circle(image, (w - 45 + (i % 5) * 3, h // 2 + (i % 3) * 4), 22, (0, 0, 230), -1)
    return image


def test_storyboard_smart_crop_holds_the_subject_in_one_box_for_every_tile(rt: Assembly, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "wander.mp4", wandering_subject, width=320, height=180, seconds=2.0, fps=10)
    video = rt.service.add_local_file(clip)
    smart, _ = rt.service.request_output(video.id, JobKind.STORYBOARD, {"every": 0.25, "width": 96, "height": 96,
                                                                        "fit": "smart", "fast": False})
    centre, _ = rt.service.request_output(video.id, JobKind.STORYBOARD, {"every": 0.25, "width": 96, "height": 96,
                                                                         "fast": False})
    rt.workers.drain()

    def tiles_of(job_id: int) -> list[np.ndarray]:
        job = rt.service.get_job(job_id)
        cues = rt.service.storyboard_cues(job)
        sprite = cv2.imread(str(cues[0].path))
        return [sprite[c.y : c.y + c.h, c.x : c.x + c.w] for c in cues]

    def red(image: np.ndarray) -> float:
        b, g, r = (image[..., c].astype(int) for c in range(3))
        return float(((r > 160) & (g < 90) & (b < 90)).mean())

    def post_x(image: np.ndarray) -> int:
        return int(np.argmax(image[..., 1].astype(int).mean(axis=0)))  # the white post: the brightest green column

    smart_tiles, centre_tiles = tiles_of(smart.id), tiles_of(centre.id)
    assert len(smart_tiles) == 8 and all(t.shape[:2] == (96, 96) for t in smart_tiles)
    assert all(red(t) > 0.03 for t in smart_tiles), "every smart tile holds the disc"
    assert all(red(t) < 0.01 for t in centre_tiles), "the centre crop cuts it off"
    assert len({post_x(t) for t in smart_tiles}) == 1, "one box for all tiles: the still post never moves"


@pytest.mark.anyio
async def test_an_image_url_not_made_in_time_is_202_with_retry_after(tmp_path: Path, index_clip: Path) -> None:
    async with in_process(tmp_path, image_wait_s=0.2) as (rt, c):  # burst mode: nothing runs until drain()
        video = rt.service.add_local_file(index_clip)
        url = f"/api/videos/{video.id}/thumbnail.jpg?time=1&width=64"
        waiting = await c.get(url)
        assert waiting.status_code == 202 and waiting.headers["retry-after"] == "2"
        assert waiting.json()["status"] == "QUEUED" and waiting.headers["cache-control"] == "no-store"
        again = await c.get(url)
        assert again.json()["id"] == waiting.json()["id"], "the same job, not a second one"
        rt.workers.drain()
        done = await c.get(url)
        assert done.status_code == 200 and done.headers["content-type"] == "image/jpeg"
        assert read_index(cv2.resize(cv2.imdecode(np.frombuffer(done.content, np.uint8), 1), (320, 180))) == 10
