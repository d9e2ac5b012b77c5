"""Turning and mirroring a picture (Mux's `rotate`, `flip_h`, `flip_v`): exact pixel moves,
no resampling. In Mux's order, the frame is turned first, then fitted to the asked size,
then mirrored ("after performing all other transformations")."""

from __future__ import annotations

import cv2
import numpy as np

ROTATIONS = (0, 90, 180, 270)
_CODES = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """The picture turned clockwise by 0, 90, 180 or 270 degrees."""
    if degrees not in ROTATIONS:
        raise ValueError(f"rotate takes 0, 90, 180 or 270 degrees, not {degrees}")
    return image if degrees == 0 else cv2.rotate(image, _CODES[degrees])


def flip(image: np.ndarray, *, horizontal: bool = False, vertical: bool = False) -> np.ndarray:
    """The picture mirrored left-right (`horizontal`) and/or top-bottom (`vertical`)."""
    if horizontal and vertical:
        return cv2.flip(image, -1)
    if horizontal or vertical:
        return cv2.flip(image, 1 if horizontal else 0)
    return image


def turned_size(width: int, height: int, degrees: int) -> tuple[int, int]:
    """The size of a width x height picture once turned."""
    return (height, width) if degrees in (90, 270) else (width, height)

