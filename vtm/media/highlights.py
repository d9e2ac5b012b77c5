"""Highlight previews: N short segments from the most distinct scenes of a video, joined
with short crossfades (the hover preview media sites show).

Each scene (from the scene detector) is described by the colour histogram of its middle
frame (HSV, 8 hue x 4 saturation x 4 value bins) and whether that frame is usable (not
black, blank or a fade: `choose.score`). The first pick is the usable scene farthest from
the whole video's average histogram (each scene weighted by its length); each next pick is
the usable scene farthest from every scene already picked (farthest-point sampling, with
the Hellinger distance between histograms), ties going to the longer scene. So two
similar scenes are picked only when nothing else is left. Segments are centred in their
scene, at most `seconds` long, and played in the order of the video. A video with fewer
usable scenes than N gets fewer segments (one per scene: a segment never repeats a scene).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from vtm.media import choose, tiles
from vtm.media.picture import covering
from vtm.media.scenes import Scene

BINS = (8, 4, 4)
SAMPLE_WIDTH = 96


@dataclass(frozen=True)
class Segment:
    scene: int
    start: float
    end: float


def histogram(image: np.ndarray) -> np.ndarray:
    """The picture's HSV colour histogram, summing to 1."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    counts = cv2.calcHist([hsv], [0, 1, 2], None, list(BINS), [0, 180, 0, 256, 0, 256]).ravel()
    return np.asarray(counts / max(float(counts.sum()), 1.0))


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Hellinger distance between two histograms: 0 (same colours) to 1 (none shared)."""
    return float(np.sqrt(max(0.0, 1.0 - np.sqrt(a * b).sum())))


def pick(scenes: Sequence[Scene], histograms: Sequence[np.ndarray], count: int, seconds: float,
         usable: Sequence[bool] | None = None, window: tuple[float, float] | None = None) -> list[Segment]:
    """Up to `count` segments of at most `seconds`, from the most distinct scenes, in time
    order. With `window` (start, end), only the parts of scenes inside it are used."""
    usable = list(usable) if usable is not None else [True] * len(scenes)
    spans = [(max(s.start_s, window[0]), min(s.end_s, window[1])) if window else (s.start_s, s.end_s) for s in scenes]
    candidates = [i for i, (a, b) in enumerate(spans) if b - a > 0 and usable[i]]
    if not candidates:
        candidates = [i for i, (a, b) in enumerate(spans) if b - a > 0]
    if not candidates or count <= 0:
        return []
    lengths = np.array([spans[i][1] - spans[i][0] for i in candidates])
    average = np.average([histograms[i] for i in candidates], axis=0, weights=lengths)
    chosen = [max(candidates, key=lambda i: (distance(histograms[i], average), spans[i][1] - spans[i][0]))]
    while len(chosen) < min(count, len(candidates)):
        rest = [i for i in candidates if i not in chosen]
        chosen.append(max(rest, key=lambda i: (min(distance(histograms[i], histograms[j]) for j in chosen),
                                               spans[i][1] - spans[i][0])))
    segments = []
    for i in sorted(chosen):
        a, b = spans[i]
        length = min(seconds, b - a)
        start = round(a + (b - a - length) / 2, 3)
        segments.append(Segment(scenes[i].scene, start, round(start + length, 3)))
    return segments


def plan(path: Path, scenes: Sequence[Scene], count: int, seconds: float, *,
         window: tuple[float, float] | None = None) -> list[Segment]:
    """Read each scene's middle frame (small) and pick the segments."""
    middles = [(s.start_s + s.end_s) / 2 for s in scenes]
    if not middles:
        return []
    # Exact (a keyframe may lie before the cut), read small, shown as every output shows it.
    grabs = tiles.grab_tiles(path, middles, size=covering(SAMPLE_WIDTH, 0), fast=False)
    images = [tiles.thumb(g.image, SAMPLE_WIDTH) for g in grabs]
    usable = [choose.score(image).rejected is None for image in images]
    return pick(scenes, [histogram(image) for image in images], count, seconds, usable, window)


def crossfade(clips: Sequence[Sequence[np.ndarray]], fade_frames: int) -> list[np.ndarray]:
    """The clips' frames played one after the other, each join a linear crossfade over
    `fade_frames` frames (fewer when a clip is short: each clip keeps half its frames)."""
    out: list[np.ndarray] = []
    previous = 0  # frames in the clip before
    for clip in clips:
        frames = list(clip)
        if not frames:
            continue
        if out and frames[0].shape != out[-1].shape:
            raise ValueError("crossfaded clips must have frames of one size")
        fade = max(0, min(fade_frames, len(frames) // 2, previous // 2))
        for n in range(fade):
            weight = (n + 1) / (fade + 1)  # share of the incoming clip
            index = len(out) - fade + n
            out[index] = cv2.addWeighted(out[index], 1 - weight, frames[n], weight, 0)
        out.extend(frames[fade:])
        previous = len(frames)
    return out
