"""Smart crop: generated pictures whose subject (a face-like head) is off-centre; the crop
must hold it where the centre crop cuts it off, and must be the centre crop when the
subject is centred or nothing stands out. Sequences (decoded from a real clip) get one box."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vtm.media import render, tiles
from vtm.media.samples import write_clip
from vtm.media.smartcrop import Box, active_area, crop_size, saliency, sequence_box, smart_box, smart_fit

SKIN = (120, 160, 220)  # BGR


def sky(w: int, h: int, seed: int = 0) -> np.ndarray:
    """A vertical gradient with sensor-like noise: a background with nothing in it."""
    y = np.linspace(0, 1, h)[:, None, None]
    image = np.broadcast_to(np.array([200, 150, 90]) * (1 - y) + np.array([230, 210, 180]) * y, (h, w, 3)).copy()
    image += np.random.default_rng(seed).normal(0, 4, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def head(image: np.ndarray, cx: int, cy: int, r: int) -> tuple[int, int, int, int]:
    """Paint a head (skin ellipse, two eyes); its bounding box (x0, y0, x1, y1)."""
    cv2.ellipse(image, (cx, cy), (r, int(r * 1.3)), 0, 0, 360, SKIN, -1)
    for dx in (-r // 3, r // 3):
        cv2.circle(image, (cx + dx, cy - r // 4), max(2, r // 8), (40, 30, 30), -1)
    return cx - r, cy - int(r * 1.3), cx + r, cy + int(r * 1.3)


def holds(box: Box, bounds: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = bounds
    return box.x <= x0 and box.y <= y0 and x1 <= box.x + box.w and y1 <= box.y + box.h


def skin_share(image: np.ndarray) -> float:
    return float((np.abs(image.astype(int) - SKIN).sum(axis=2) < 40).mean())


@pytest.mark.parametrize(
    ("where", "size", "centre", "radius", "out"),
    [
        ("left third", (640, 360), (213, 180), 30, (180, 320)),
        ("right edge", (640, 360), (605, 170), 30, (180, 320)),
        ("top", (360, 640), (180, 60), 30, (320, 180)),
        ("bottom", (360, 640), (200, 590), 30, (320, 180)),
        ("left, square crop", (1280, 720), (140, 300), 60, (400, 400)),
        ("right third, 4:3", (1920, 1080), (1350, 500), 90, (640, 480)),
    ],
)
def test_an_off_centre_subject_is_kept(where: str, size: tuple[int, int], centre: tuple[int, int], radius: int,
                                       out: tuple[int, int]) -> None:
    image = sky(*size)
    bounds = head(image, *centre, radius)
    box = smart_box(image, *out)
    assert (box.w, box.h) == crop_size(*size, *out)
    assert holds(box, bounds), f"{where}: {box} cuts the subject {bounds}"
    smart = smart_fit(image, *out, box)
    assert smart.shape == (out[1], out[0], 3)
    assert skin_share(smart) > 0.015, "the subject is in the picture made"
    if where != "right third, 4:3":  # the centre crop holds this one already
        assert skin_share(render.fit(image, *out, "cover")) < skin_share(smart) / 2, "the centre crop would lose it"


@pytest.mark.parametrize(("size", "out"), [((640, 360), (180, 320)), ((360, 640), (320, 180)), ((1280, 720), (500, 500))])
def test_a_centred_subject_gives_the_centre_crop(size: tuple[int, int], out: tuple[int, int]) -> None:
    image = sky(*size, seed=3)
    head(image, size[0] // 2, size[1] // 2, min(size) // 10)
    cw, ch = crop_size(*size, *out)
    assert smart_box(image, *out) == Box((size[0] - cw) // 2, (size[1] - ch) // 2, cw, ch)


@pytest.mark.parametrize("image", [np.full((360, 640, 3), 90, np.uint8), sky(640, 360, seed=7)], ids=["plain", "noise only"])
def test_nothing_salient_gives_the_centre_crop(image: np.ndarray) -> None:
    assert smart_box(image, 180, 320) == Box(219, 0, 202, 360)


def test_same_aspect_is_the_whole_picture() -> None:
    image = sky(640, 360)
    head(image, 60, 60, 30)
    assert smart_box(image, 320, 180) == Box(0, 0, 640, 360)


@pytest.mark.parametrize(("src", "out", "expected"),
                         [((640, 360), (180, 320), (202, 360)), ((360, 640), (320, 180), (360, 202)),
                          ((100, 100), (1, 1), (100, 100)), ((1920, 1080), (7680, 10), (1920, 2)), ((10, 1000), (1000, 1), (10, 1))])
def test_crop_size(src: tuple[int, int], out: tuple[int, int], expected: tuple[int, int]) -> None:
    assert crop_size(*src, *out) == expected


def test_saliency_is_a_distribution_on_the_subject() -> None:
    image = sky(640, 360)
    x0, y0, x1, y1 = head(image, 500, 120, 30)
    weights = saliency(image)
    assert weights.shape == (36, 64) and abs(weights.sum() - 1) < 1e-9 and weights.min() >= 0
    sy, sx = 36 / 360, 64 / 640
    on_subject = weights[int(y0 * sy) : int(y1 * sy) + 2, int(x0 * sx) : int(x1 * sx) + 2].sum()
    assert on_subject > 0.5, f"only {on_subject:.0%} of the saliency on a head covering 2% of the picture"


def drifting_head(i: int, w: int, h: int, total: int) -> np.ndarray:
    """A head around the left third, drifting a few pixels from frame to frame."""
    image = sky(w, h, seed=i)
    head(image, 200 + int(12 * np.sin(i)), 180 + int(6 * np.cos(i * 1.7)), 32)
    return image


def test_one_box_for_the_frames_of_a_real_clip(tmp_path: Path) -> None:
    video = write_clip(tmp_path / "drift.mp4", drifting_head, width=640, height=360, seconds=2, fps=10)
    frames = [g.image for g in tiles.grab_tiles(video, [i / 10 for i in range(0, 20, 2)], size=None, fast=False)]
    box = sequence_box(frames, 180, 320)
    for i, frame in zip(range(0, 20, 2), frames, strict=True):
        bounds = (200 + int(12 * np.sin(i)) - 32, 0, 200 + int(12 * np.sin(i)) + 32, 360)
        assert holds(box, bounds), f"frame {i} loses its subject in the shared box {box}"
        assert skin_share(smart_fit(frame, 180, 320, box)) > 0.05
    assert sequence_box(frames[::-1], 180, 320) == box, "the box does not depend on the frames' order"
    assert sequence_box(frames[:5], 180, 320).x == pytest.approx(box.x, abs=15), "a subset of the tiles gives about the same box"
    with pytest.raises(ValueError, match="one size"):
        sequence_box([frames[0], frames[1][:100]], 180, 320)


@pytest.mark.parametrize("subject_x", [None, 480, 1300])
def test_pillarbox_edges_are_not_a_subject(subject_x: int | None) -> None:
    """4:3 content in a 16:9 frame, cropped to portrait: the bars' sharp edges must not pull
    the crop; with nothing in the picture, the centre crop."""
    frame = np.zeros((1080, 1920, 3), np.uint8)
    content = sky(1440, 1080)
    if subject_x:
        head(content, subject_x - 240, 500, 80)
    frame[:, 240:1680] = content
    box = smart_box(frame, 1080, 1920)
    if subject_x is None:
        assert box == Box(656, 0, 608, 1080)
    else:
        assert box.x <= subject_x - 80 and subject_x + 80 <= box.x + box.w


@pytest.mark.parametrize(
    ("paint", "expected"),
    [
        (lambda f: f.__setitem__((slice(None), slice(240, 1680)), 120), (240, 0, 1680, 1080)),  # pillarbox
        (lambda f: f.__setitem__((slice(138, 942), slice(None)), 120), (0, 138, 1920, 942)),  # letterbox
        (lambda f: None, (0, 0, 1920, 1080)),  # all black: nothing to cut, not everything
        (lambda f: f.__setitem__((slice(None), slice(1, None, 2)), 40) or f.__setitem__((slice(None), 0), 40),
         (0, 0, 1920, 1080)),  # dark (mean 20) but not plain: not a bar
    ],
)
def test_active_area(paint, expected: tuple[int, int, int, int]) -> None:
    frame = np.zeros((1080, 1920, 3), np.uint8)
    paint(frame)
    assert active_area(frame) == expected
