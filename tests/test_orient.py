"""Turning and mirroring pictures: where a corner mark goes, exactly."""

from __future__ import annotations

import numpy as np
import pytest

from vtm.media.orient import flip, rotate, turned_size


def marked() -> np.ndarray:
    image = np.zeros((60, 100, 3), np.uint8)
    image[:10, :10] = (0, 0, 255)  # top-left mark
    image[-5:, :] = (255, 0, 0)  # a blue bottom edge, to tell top from bottom
    return image


def corner(image: np.ndarray) -> str:
    h, w = image.shape[:2]
    ys, xs = np.nonzero(image[..., 2] == 255)
    return ("top" if ys.mean() < h / 2 else "bottom") + "-" + ("left" if xs.mean() < w / 2 else "right")


@pytest.mark.parametrize(("degrees", "where", "shape"),
                         [(0, "top-left", (60, 100)), (90, "top-right", (100, 60)), (180, "bottom-right", (60, 100)),
                          (270, "bottom-left", (100, 60))])
def test_rotate_clockwise(degrees: int, where: str, shape: tuple[int, int]) -> None:
    turned = rotate(marked(), degrees)
    assert turned.shape[:2] == shape == turned_size(100, 60, degrees)[::-1]
    assert corner(turned) == where


@pytest.mark.parametrize(("h", "v", "where"), [(True, False, "top-right"), (False, True, "bottom-left"), (True, True, "bottom-right"),
                                               (False, False, "top-left")])
def test_flip(h: bool, v: bool, where: str) -> None:
    assert corner(flip(marked(), horizontal=h, vertical=v)) == where


def test_exact_pixel_moves() -> None:
    image = np.random.default_rng(0).integers(0, 256, (7, 11, 3), dtype=np.uint8)
    assert np.array_equal(rotate(rotate(rotate(rotate(image, 90), 90), 90), 90), image)
    assert np.array_equal(rotate(image, 270), rotate(rotate(rotate(image, 90), 90), 90))
    assert np.array_equal(flip(flip(image, horizontal=True), horizontal=True), image)
    assert np.array_equal(rotate(image, 90)[0, -1], image[0, 0])


def test_rotate_refuses_other_angles() -> None:
    with pytest.raises(ValueError, match="0, 90, 180 or 270"):
        rotate(marked(), 45)
