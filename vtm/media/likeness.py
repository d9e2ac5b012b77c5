"""How two tiny copies of video frames differ (pure NumPy/OpenCV; used by the scene
detector, vtm.media.shots). Every measure looks at the picture, not at black borders:
the pictures are cropped to the rows and columns where either has something brighter
than BAR (letterbox, pillarbox, a small picture in a black frame), so a cut in a
letterboxed film counts as much as one filling the frame.

- `difference`: mean absolute difference in YCbCr once a change of brightness (the gain
  that best maps one picture onto the other) is taken out: a fade is a change of gain.
- `unexplained`: the same with motion allowed for: each BLOCK of a picture keeps its
  best match in the other shifted by up to SHIFT pixels (as an encoder predicts a
  frame), so a pan or a subject jerking close to the lens scores low, a new shot high.
- `mixed`: whether a picture is a blend of two others that differ over most of the
  frame (the middle of a dissolve).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TINY = (64, 36)  # width, height of the copies compared
BAR = 28.0  # a row or column whose luma never exceeds this is a black border
MIN_AREA = (16, 9)  # a picture narrower or lower than this (pixels of TINY) is not cropped to
BLOCK = (8, 6)  # width, height of the blocks matched between frames
SHIFT = (3, 2)  # how far (x, y pixels of TINY) a block may move from one frame to the next
NEW_BLOCK = 10.0  # a block whose best match still differs by more than this (luma) is new
MIN_CHANGE = 10.0  # the least difference (0-255 scale) between the ends of a dissolve
BLEND_RESIDUAL = 0.25  # middle frame's distance to the best blend, relative to the change
CHANGED_SHARE = 0.4  # share of the picture that must change in a dissolve
DARK = 22.0  # mean luma (0-255) under which a frame counts as black...
DARK_SPREAD = 14.0  # ...when its luma's spread is under this too


@dataclass
class Tiny:
    pixels: np.ndarray  # the TINY-sized YCrCb copy, uint8 (h, w, 3)
    y: np.ndarray  # luma, float32 (h, w)
    c: np.ndarray  # chroma minus 128, float32 (h/2, w/2, 2)
    mean: float
    dark: bool
    rows: tuple[int, int] | None  # first and last row brighter than BAR (None: all black)
    cols: tuple[int, int] | None


def tiny(ycrcb: np.ndarray) -> Tiny:
    """Features of a TINY-sized YCrCb picture (uint8)."""
    y = ycrcb[..., 0].astype(np.float32)
    c = ycrcb[::2, ::2, 1:].astype(np.float32) - 128.0
    mean = float(y.mean())
    return Tiny(ycrcb, y, c, mean, mean < DARK and float(y.std()) < DARK_SPREAD, _extent(y.max(axis=1)),
                _extent(y.max(axis=0)))


def _extent(peaks: np.ndarray) -> tuple[int, int] | None:
    lit = np.flatnonzero(peaks > BAR)
    return (int(lit[0]), int(lit[-1])) if lit.size else None


def framed(*pictures: Tiny) -> tuple[Tiny, ...]:
    """The pictures cropped to the area where any of them shows something, each scaled
    back to TINY; unchanged when that is (nearly) the whole frame or too small to judge."""
    rows = _union([p.rows for p in pictures])
    cols = _union([p.cols for p in pictures])
    h, w = pictures[0].y.shape
    if rows is None or cols is None or (rows[1] - rows[0] + 1 < MIN_AREA[1]) or (cols[1] - cols[0] + 1 < MIN_AREA[0]):
        return pictures
    if rows[1] - rows[0] + 2 >= h and cols[1] - cols[0] + 2 >= w:
        return pictures
    box = (slice(rows[0], rows[1] + 1), slice(cols[0], cols[1] + 1))
    return tuple(tiny(cv2.resize(np.ascontiguousarray(p.pixels[box]), (w, h), interpolation=cv2.INTER_LINEAR))
                 for p in pictures)


def _union(extents: list[tuple[int, int] | None]) -> tuple[int, int] | None:
    known = [e for e in extents if e is not None]
    return (min(e[0] for e in known), max(e[1] for e in known)) if known else None


def gain(a: np.ndarray, b: np.ndarray) -> float:
    """The factor that best maps `b` onto `a` (least squares), within 0.02-50."""
    return min(50.0, max(0.02, float(np.dot(a.ravel(), b.ravel()) / max(float(np.dot(b.ravel(), b.ravel())), 1.0))))


def difference(a: Tiny, b: Tiny) -> float:
    """How much picture `a` differs from `b` once a change of brightness is taken out."""
    a, b = framed(a, b)
    g = gain(a.y, b.y)
    return float(np.abs(a.y - g * b.y).mean() + np.abs(a.c - g * b.c).mean())


def unexplained(a: Tiny, b: Tiny) -> tuple[float, float]:
    """How much of picture `a` picture `b` cannot explain once moved a little: the mean
    best difference of `a`'s blocks (luma and chroma, gain taken out), and the share of
    blocks that are new (best difference over NEW_BLOCK) among blocks not flat in both
    pictures (an empty sky says nothing)."""
    a, b = framed(a, b)
    (bw, bh), (sx, sy) = BLOCK, SHIFT
    h, w = a.y.shape
    rows, cols = h // bh, w // bw
    mine, theirs = _planes(a), _planes(b) * gain(a.y, b.y)
    padded = cv2.copyMakeBorder(theirs, sy, sy, sx, sx, cv2.BORDER_REPLICATE)
    best = None
    for dy in range(2 * sy + 1):
        for dx in range(2 * sx + 1):
            blocks = cv2.resize(cv2.absdiff(mine, padded[dy : dy + h, dx : dx + w]), (cols, rows), interpolation=cv2.INTER_AREA)
            total = blocks.sum(axis=2)
            best = total if best is None else np.minimum(best, total, out=best)
    assert best is not None
    spread = np.maximum(_block_spread(a.y, rows, cols), _block_spread(b.y, rows, cols))
    informative = (spread > 3.0) | (best > NEW_BLOCK)
    share = float((best[informative] > NEW_BLOCK).mean()) if informative.any() else 0.0
    return float(best.mean()), share


def _planes(picture: Tiny) -> np.ndarray:
    """Luma and the two chroma planes (minus 128) at full TINY size, float32 (h, w, 3)."""
    planes = picture.pixels.astype(np.float32)
    planes[..., 1:] -= 128.0
    return planes


def _block_spread(y: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return np.asarray(y.reshape(rows, y.shape[0] // rows, cols, y.shape[1] // cols).std(axis=(1, 3)))


def mixed(before: Tiny, middle: Tiny, after: Tiny) -> bool:
    """Whether `middle` is a blend of `before` and `after`, two pictures that differ
    over most of the picture by at least MIN_CHANGE."""
    before, middle, after = framed(before, middle, after)
    change = np.abs(before.y - after.y)
    if difference(after, before) < MIN_CHANGE or float((change > 20).mean()) < CHANGED_SHARE:
        return False  # too little change, or only in a part of the frame, or only in brightness (a fade)
    a = np.concatenate([before.y.ravel(), before.c.ravel()])
    b = np.concatenate([after.y.ravel(), after.c.ravel()])
    m = np.concatenate([middle.y.ravel(), middle.c.ravel()])
    direction = b - a
    share = float(np.dot(m - a, direction) / max(float(np.dot(direction, direction)), 1e-6))
    if not 0.2 <= share <= 0.8:
        return False
    residual = float(np.abs(m - (a + share * direction)).mean())
    return residual <= BLEND_RESIDUAL * float(np.abs(direction).mean())
