"""Choosing a good frame automatically (`at=auto`).

Candidates are spread over the video (5%..95%) and read as keyframes (fast; candidates
that land on the same keyframe are read exactly instead). Each is scored on a small
copy:
- rejected when too dark or too bright (mean luma < 24 or > 232), near-uniform (more
  than 70% of pixels within ±12 of the median: fades, title cards, blank screens) or
  with almost no detail;
- otherwise score = contrast (luma std / 64) + sharpness (log10 of the Laplacian
  variance) + colourfulness (Hasler–Süsstrunk / 50), where a frame much blurrier than
  the sharpest candidate loses its sharpness term.
The best-scoring candidate wins; when every candidate is rejected, the least bad does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtm.media.frames import Grab
from vtm.media.picture import Sizer

CANDIDATES = 12


@dataclass(frozen=True)
class Score:
    value: float
    rejected: str | None
    mean: float
    spread: float
    sharpness: float
    colour: float


def candidate_times(duration: float | None, count: int = CANDIDATES) -> list[float]:
    if not duration or duration <= 0:
        return [0.0]
    if count == 1:
        return [duration / 2]
    start, end = duration * 0.05, duration * 0.95
    return [start + (end - start) * i / (count - 1) for i in range(count)]


def score(image: np.ndarray) -> Score:
    small = _small(image)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    mean, spread = float(grey.mean()), float(grey.std())
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    colour = _colourfulness(small)
    median = float(np.median(grey))
    uniform = float(np.mean(np.abs(grey.astype(np.int16) - median) <= 12))
    rejected = None
    if mean < 24:
        rejected = "dark"
    elif mean > 232:
        rejected = "bright"
    elif uniform > 0.70:
        rejected = "uniform"
    elif sharpness < 5:
        rejected = "featureless"
    value = spread / 64 + math.log10(1 + sharpness) + colour / 50
    if rejected:
        value -= 10
    return Score(value, rejected, mean, spread, sharpness, colour)


def best_index(scores: list[Score]) -> int:
    """Index of the frame to use, blur taken relative to the sharpest good candidate."""
    good = [s.sharpness for s in scores if s.rejected is None]
    sharpest = max(good) if good else 0.0

    def final(s: Score) -> float:
        if s.rejected is None and sharpest and s.sharpness < sharpest * 0.15:
            return s.value - 2 - math.log10(1 + s.sharpness)
        return s.value

    return max(range(len(scores)), key=lambda i: final(scores[i]))


def pick(path: Path, duration: float | None, count: int = CANDIDATES, *, size: Sizer | None = None) -> Grab:
    """The best-looking frame of the video (upright; at `size`, else its full display size)."""
    return pick_explained(path, duration, count, size=size)[0]


@dataclass(frozen=True)
class Choice:
    """Why `auto` chose its frame, from the real scores: kept beside the poster so that
    the video's page can say "auto chose 8.6 s: sharpest, not black, not a title card"."""

    time: float  # seconds: the chosen frame
    candidates: int  # frames scored
    rank_sharpness: int  # 1 = the sharpest of the candidates
    rejected: str | None  # the chosen frame's own flaw, when every candidate had one
    skipped: dict[str, int]  # candidates refused, by reason (dark, bright, uniform, featureless)
    mean: float  # its mean luma (0-255)
    sharpness: float  # its Laplacian variance

    def to_json(self) -> dict[str, object]:
        return {"time": round(self.time, 3), "candidates": self.candidates, "rank_sharpness": self.rank_sharpness,
                "rejected": self.rejected, "skipped": self.skipped, "mean": round(self.mean, 1),
                "sharpness": round(self.sharpness, 1)}


def explain(times: list[float], scores: list[Score], index: int) -> Choice:
    chosen = scores[index]
    skipped: dict[str, int] = {}
    for s in scores:
        if s.rejected:
            skipped[s.rejected] = skipped.get(s.rejected, 0) + 1
    rank = 1 + sum(1 for s in scores if s.sharpness > chosen.sharpness)
    return Choice(times[index], len(scores), rank, chosen.rejected, skipped, chosen.mean, chosen.sharpness)


def pick_explained(path: Path, duration: float | None, count: int = CANDIDATES, *,
                   size: Sizer | None = None) -> tuple[Grab, Choice]:
    """`pick`, and why: the chosen frame and its `Choice`."""
    from vtm.media.tiles import grab_tiles

    candidates = grab_tiles(path, candidate_times(duration, count), size=size, fast=True, near=True)
    scores = [score(c.image) for c in candidates]
    index = best_index(scores)
    return candidates[index], explain([c.time for c in candidates], scores, index)


def _small(image: np.ndarray, width: int = 160) -> np.ndarray:
    h, w = image.shape[:2]
    if w <= width:
        return image
    return cv2.resize(image, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)


def _colourfulness(image: np.ndarray) -> float:
    b, g, r = (image[..., i].astype(np.float32) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))
