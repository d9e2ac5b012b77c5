"""Highlight previews: segments from different, distinct scenes of a real clip (cut by the
real scene detector), and crossfaded joins checked frame by frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vtm.media import highlights, tiles
from vtm.media.highlights import Segment, crossfade, histogram, pick
from vtm.media.probe import probe
from vtm.media.samples import write_clip
from vtm.media.scenes import Scene, detect

FPS = 25
# one second each (BGR): two reds, green, black (unusable), blue, yellow
COLOURS = [(30, 30, 200), (40, 20, 180), (40, 190, 40), (0, 0, 0), (200, 60, 30), (30, 210, 220)]


def scene_painter(i: int, w: int, h: int, total: int) -> np.ndarray:
    """Each scene a colour with moving stripes of a darker shade (texture, motion), lit from
    the left or the right in turn, so the two reds are cut apart too (stripes alone, at
    the detector's 64x36, average out)."""
    scene = min(i // FPS, len(COLOURS) - 1)
    colour = np.array(COLOURS[scene], np.float32)
    x, y = np.arange(w)[None, :], np.arange(h)[:, None]
    light = x / w if scene % 2 == 0 else 1 - x / w
    shade = (0.45 + 0.55 * (((x + 3 * i + 12 * scene) // 12) % 2)) * (0.25 + 0.75 * light) * (0.8 + 0.2 * y / h)
    image = (colour * shade[..., None]).astype(np.uint8)
    return np.ascontiguousarray(image)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Scene]]:
    path = write_clip(tmp_path_factory.mktemp("highlights") / "scenes.mp4", scene_painter, width=320, height=180,
                      seconds=len(COLOURS), fps=FPS)
    found = detect(path, probe(path))
    assert [round(s.start_s, 2) for s in found] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    return path, found


def dominant(image: np.ndarray) -> int:
    """Index in COLOURS of the colour the picture shows."""
    mean = image.reshape(-1, 3).mean(axis=0)
    return int(np.argmin([np.abs(mean - np.array(c) * 0.41).sum() for c in COLOURS]))  # the mean shade of scene_painter


def test_segments_come_from_different_distinct_scenes(clip: tuple[Path, list[Scene]]) -> None:
    path, found = clip
    segments = highlights.plan(path, found, count=4, seconds=0.6)
    assert len(segments) == 4
    assert len({s.scene for s in segments}) == 4, "one segment per scene"
    assert segments == sorted(segments, key=lambda s: s.start), "in the order of the video"
    by_number = {s.scene: s for s in found}
    shown = []
    for segment in segments:
        scene = by_number[segment.scene]
        assert scene.start_s <= segment.start < segment.end <= scene.end_s
        assert segment.end - segment.start == pytest.approx(0.6)
        frames = tiles.grab_tiles(path, [segment.start, (segment.start + segment.end) / 2, segment.end - 0.05], size=None, fast=False)
        colours = {dominant(g.image) for g in frames}
        assert colours == {segment.scene - 1}, "every frame of a segment is from its own scene"
        shown.append(segment.scene - 1)
    assert 3 not in shown, "the black scene is left out"
    assert not {0, 1} <= set(shown), "of two near-identical red scenes, only one is picked"
    assert set(shown) >= {2, 4, 5}, "green, blue and yellow are the distinct ones"


def test_fewer_scenes_than_asked(clip: tuple[Path, list[Scene]]) -> None:
    path, found = clip
    segments = highlights.plan(path, found[:2], count=5, seconds=2.0)
    assert [s.scene for s in segments] == [1, 2]
    assert segments[0] == Segment(1, 0.0, 1.0), "a segment longer than its scene is cut to the scene"


def test_window_limits_the_segments(clip: tuple[Path, list[Scene]]) -> None:
    path, found = clip
    segments = highlights.plan(path, found, count=3, seconds=0.5, window=(2.5, 4.5))
    assert {s.scene for s in segments} == {3, 5}  # green half-scene and blue half-scene; black unusable
    assert all(2.5 <= s.start < s.end <= 4.5 for s in segments)


def test_pick_on_histograms_alone() -> None:
    scenes = [Scene(n + 1, float(n), float(n + 1), n * 25, n * 25 + 24) for n in range(4)]
    images = [np.full((10, 10, 3), c, np.uint8) for c in [(0, 0, 250), (0, 0, 240), (0, 250, 0), (250, 0, 0)]]
    histograms = [histogram(i) for i in images]
    assert [s.scene for s in pick(scenes, histograms, 3, 0.5)] == [1, 3, 4], "never both reds"
    assert [s.scene for s in pick(scenes, histograms, 4, 0.5)] == [1, 2, 3, 4], "both once nothing else is left"
    assert pick(scenes, histograms, 0, 0.5) == [] and pick([], [], 3, 0.5) == []
    assert [s.scene for s in pick(scenes, histograms, 2, 0.5, usable=[False] * 4)] != [], "unusable only: still something"


def test_crossfade_blends_frame_by_frame() -> None:
    white = [np.full((4, 4, 3), 240, np.uint8)] * 10
    black = [np.full((4, 4, 3), 0, np.uint8)] * 10
    joined = crossfade([white, black], 4)
    assert len(joined) == 16
    levels = [int(f[0, 0, 0]) for f in joined]
    assert levels[:6] == [240] * 6 and levels[10:] == [0] * 6
    assert levels[5] > levels[6] > levels[7] > levels[8] > levels[9] > levels[10]
    assert levels[6:10] == [192, 144, 96, 48]


def test_crossfade_of_short_clips_keeps_half_of_each() -> None:
    a = [np.full((2, 2, 3), 200, np.uint8)] * 3
    b = [np.full((2, 2, 3), 100, np.uint8)] * 3
    joined = crossfade([a, b, [], a], 10)
    assert len(joined) == 3 + 3 + 3 - 1 - 1
    assert crossfade([a, b], 0) == a + b
    with pytest.raises(ValueError, match="one size"):
        crossfade([a, [np.zeros((3, 3, 3), np.uint8)]], 1)
