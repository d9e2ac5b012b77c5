from __future__ import annotations

import threading
from pathlib import Path

import cv2
import pytest

from vtm.assembly import Assembly
from vtm.models import JobStatus


def image_size(path: Path) -> tuple[int, int]:
    image = cv2.imread(str(path))
    assert image is not None, f"{path} does not decode"
    return image.shape[1], image.shape[0]


@pytest.mark.parametrize(
    ("name", "width", "height", "expected"),
    [
        ("landscape", 160, 120, (160, 120)),
        ("landscape", 160, 0, (160, 120)),
        ("wide", 0, 90, (160, 90)),
        ("portrait", 90, 0, (90, 160)),  # rotation metadata honoured: portrait stays portrait
        ("portrait", 100, 100, (100, 100)),
    ],
)
def test_thumbnail_is_a_real_jpeg_of_the_right_size(rt: Assembly, videos: dict[str, Path], name: str, width: int, height: int, expected: tuple[int, int]) -> None:
    video = rt.service.add_local_file(videos[name])
    job = rt.service.request_thumbnail(video.id, width, height)
    (done,) = rt.workers.drain()
    assert done.status is JobStatus.COMPLETED, done.error
    path = rt.service.output_file(done)
    assert path.name == f"thumbnail_{video.id}_{expected[0]}_{expected[1]}.jpg"
    assert path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert image_size(path) == expected
    assert job.id == done.id


def test_portrait_thumbnail_is_upright(rt: Assembly, videos: dict[str, Path]) -> None:
    video = rt.service.add_local_file(videos["portrait"])
    assert (video.width, video.height, video.rotation) == (180, 320, 90)
    rt.service.request_thumbnail(video.id, 180, 320, fit="stretch")
    (done,) = rt.workers.drain()
    image = cv2.imread(str(rt.service.output_file(done)))
    # portrait_scene paints a blue-red box in the middle and white "TOP" text near the top.
    top_band, bottom_band = image[:40].mean(), image[-40:].mean()
    centre = image[120:200, 70:110].reshape(-1, 3).mean(axis=0)
    assert centre[2] > 150 and centre[1] < 90, f"centre is not the red box: {centre}"
    assert top_band != pytest.approx(bottom_band, abs=1)


def test_one_bad_video_fails_only_its_job(rt: Assembly, videos: dict[str, Path]) -> None:
    good = rt.service.add_local_file(videos["landscape"])
    bad = rt.service.add_local_file(videos["wide"], "broken-later.mkv")
    rt.data.absolute(bad.path).write_bytes(b"\x1a\x45\xdf\xa3" + b"\0" * 100)  # damaged after upload
    rt.service.request_thumbnail(bad.id, 64, 64)
    rt.service.request_thumbnail(good.id, 64, 64)
    done = {job.video_id: job for job in rt.workers.drain()}
    assert done[good.id].status is JobStatus.COMPLETED
    assert done[bad.id].status is JobStatus.FAILED
    assert done[bad.id].error and "Traceback" not in done[bad.id].error


def test_worker_threads_wake_on_new_job(rt: Assembly, videos: dict[str, Path]) -> None:
    video = rt.service.add_local_file(videos["landscape"])
    finished = threading.Event()
    rt.events  # noqa: B018
    rt.store.add_listener(lambda job: finished.set() if job.status is JobStatus.COMPLETED else None)
    rt.workers.start(2)
    try:
        rt.service.request_thumbnail(video.id, 32, 32)
        assert finished.wait(20), "no worker picked the job up"
    finally:
        rt.workers.stop()
