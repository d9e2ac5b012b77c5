"""Storyboards: tiles every N seconds (or N in all), sprites of columns x rows, and a
WebVTT that parses, covers the whole video and points inside its sprites."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from PIL import Image

from tests import clips
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import storyboard
from vtm.media.probe import probe


@pytest.mark.parametrize(
    ("duration", "every", "count", "expected"),
    [(10.0, 2.0, 0, [0, 2, 4, 6, 8]), (10.0, 3.0, 0, [0, 3, 6]), (10.5, 3.0, 0, [0, 3, 6, 9]), (10.0, 0, 4, [0, 2.5, 5, 7.5]), (None, 10, 0, [0])],
)
def test_plan(duration: float | None, every: float, count: int, expected: list[float]) -> None:
    assert storyboard.plan(duration, every, count) == pytest.approx(expected)


def test_plan_never_exceeds_the_tile_cap() -> None:
    assert len(storyboard.plan(36_000.0, 1.0)) == storyboard.MAX_TILES


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clips.write_clip(tmp_path_factory.mktemp("sb") / "counted.mp4", clips.index_frame, width=160, height=96,
                            seconds=10, fps=10)


def test_vtt_cues_cover_the_video_and_point_inside_their_sprites(counted: Path) -> None:
    info = probe(counted)
    params = dict(StoryboardOptions().to_json(), every=0.5, width=64, columns=4, rows=2)  # 20 tiles, 8 per sprite
    files = storyboard.make_storyboard(counted, info, params, url_prefix="/api/jobs/7/files/")
    cues = storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())
    assert len(cues) == 20 and sorted(n for n in files if n.endswith(".jpg")) == [storyboard.sprite_name(i) for i in range(3)]
    assert cues[0].start == 0 and cues[-1].end == pytest.approx(info.duration)
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.end == pytest.approx(b.start)
    for n, cue in enumerate(cues):
        assert cue.sprite == "/api/jobs/7/files/" + storyboard.sprite_name(n // 8)
        sprite = Image.open(io.BytesIO(files[storyboard.sprite_name(n // 8)]))
        assert (cue.w, cue.h) == (64, 38)
        assert cue.x + cue.w <= sprite.width and cue.y + cue.h <= sprite.height
        tile = sprite.crop((cue.x, cue.y, cue.x + cue.w, cue.y + cue.h))
        assert tile.size == (64, 38)
    last = Image.open(io.BytesIO(files[storyboard.sprite_name(2)]))
    assert last.size == (4 * 64, 1 * 38)  # 4 tiles left: one row


def test_exact_mode_tiles_show_the_frame_at_their_cue(counted: Path) -> None:
    info = probe(counted)
    params = dict(StoryboardOptions().to_json(), every=2.0, width=160, columns=5, rows=1, fast=False)
    files = storyboard.make_storyboard(counted, info, params)
    sprite = Image.open(io.BytesIO(files[storyboard.sprite_name(0)])).convert("RGB")
    import numpy as np

    for cue in storyboard.parse_vtt(files[storyboard.VTT_NAME].decode()):
        tile = np.asarray(sprite.crop((cue.x, cue.y, cue.x + cue.w, cue.y + cue.h)))[..., ::-1]
        assert clips.read_index(np.ascontiguousarray(tile)) == round(cue.start * 10)


def test_vtt_round_trip_and_refuses_what_is_not_webvtt() -> None:
    cues = [storyboard.Cue(0, 1.5, "a.jpg", 0, 0, 10, 8), storyboard.Cue(1.5, 3723.004, "a.jpg", 10, 0, 10, 8)]
    text = storyboard.to_vtt(cues)
    assert "01:02:03.004" in text and storyboard.parse_vtt(text) == cues
    with pytest.raises(ValueError):
        storyboard.parse_vtt("00:00.000 --> 00:01.000\na.jpg#xywh=0,0,1,1")
    assert math.isclose(storyboard.parse_vtt(text)[1].end, 3723.004)
