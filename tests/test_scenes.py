"""Scene cuts: a generated video with known cuts is split at those cuts (±1 frame);
steady motion and fades are not cuts; JSON and CSV round-trip; one keyframe per scene."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests import clips
from vtm.kinds.scenes import ScenesOptions
from vtm.media import scenes
from vtm.media.probe import probe


@pytest.fixture(scope="module")
def cut_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clips.with_cuts(tmp_path_factory.mktemp("scenes") / "cuts.mp4")


def test_known_cuts_are_found_within_one_frame(cut_clip: Path) -> None:
    found = scenes.detect(cut_clip, probe(cut_clip))
    starts = [s.start_frame for s in found[1:]]
    assert len(starts) == len(clips.CUT_FRAMES), starts
    for got, want in zip(starts, clips.CUT_FRAMES, strict=True):
        assert abs(got - want) <= 1, (starts, clips.CUT_FRAMES)
    assert found[0].start_s == 0 and found[-1].end_s == pytest.approx(6.0, abs=0.05)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end_s == b.start_s and a.end_frame + 1 == b.start_frame


@pytest.mark.parametrize("name", ["landscape", "fade"])
def test_steady_motion_and_fades_are_one_scene(videos: dict[str, Path], name: str) -> None:
    assert len(scenes.detect(videos[name], probe(videos[name]))) == 1


def test_min_scene_merges_cuts_closer_than_it(cut_clip: Path) -> None:
    found = scenes.detect(cut_clip, probe(cut_clip), min_scene=1.3)  # scene 1 is 1.2 s long, scene 3 1.4 s
    assert [s.start_frame for s in found[1:]] == [pytest.approx(75, abs=1), pytest.approx(110, abs=1)]


def test_make_scenes_writes_json_csv_and_one_keyframe_per_scene(cut_clip: Path) -> None:
    info = probe(cut_clip)
    files = scenes.make_scenes(cut_clip, info, dict(ScenesOptions().to_json(), width=160))
    listed = scenes.from_json(files[scenes.JSON_NAME].decode())
    assert len(listed) == 4
    for scene in listed:
        assert scene.keyframe in files and scene.start_s <= scene.keyframe_s < scene.end_s
    rows = list(csv.DictReader(io.StringIO(files[scenes.CSV_NAME].decode())))
    assert [int(r["start_frame"]) for r in rows] == [s.start_frame for s in listed]
    assert json.loads(files[scenes.JSON_NAME])["count"] == 4
