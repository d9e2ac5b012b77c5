"""Scene cuts: a generated video with known cuts is split at those cuts (±1 frame);
steady motion and fades are not cuts; JSON and CSV round-trip; one keyframe per scene."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
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


# -- fades, dissolves, quality jumps, real footage ------------------------------------
@pytest.fixture(scope="module")
def corpus_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests import corpus

    folder = tmp_path_factory.mktemp("transitions")
    return {"transitions": corpus.transitions(folder), "quality": corpus.quality_jump(folder),
            "keyed": corpus.with_cuts(folder, keyframes_at_cuts=True)}


def test_fades_and_dissolves_are_fade_boundaries_with_their_span(corpus_clips: dict[str, Path]) -> None:
    """A fade in from black at the start and a fade out at the end are no boundary; a fade
    out, black and fade in between two shots is one `fade`, a dissolve another."""
    from tests import corpus

    path = corpus_clips["transitions"]
    found = scenes.detect(path, probe(path))[1:]
    assert [s.transition for s in found] == ["fade"] * len(corpus.TRANSITIONS)
    fps = corpus.FPS
    for scene, (_, first, last) in zip(found, corpus.TRANSITIONS, strict=True):
        assert first - 2 <= scene.start_frame <= last + 2
        assert scene.fade_start_s is not None and scene.fade_end_s is not None
        assert (first - 3) / fps <= scene.fade_start_s <= scene.start_s <= scene.fade_end_s <= (last + 3) / fps


def test_a_jump_in_compression_quality_is_not_a_cut(corpus_clips: dict[str, Path]) -> None:
    path = corpus_clips["quality"]
    assert len(scenes.detect(path, probe(path))) == 1


def test_cuts_are_cut_boundaries(corpus_clips: dict[str, Path]) -> None:
    from tests import corpus

    path = corpus_clips["keyed"]
    found = scenes.detect(path, probe(path))[1:]
    assert [(s.start_frame, s.transition, s.fade_start_s) for s in found] == [(f, "cut", None) for f in corpus.cut_frames()]


def real_footage_score(on_demand: bool) -> object:
    """VTM's boundaries on the real clips (tests/real_clips.py) against the hand-checked
    ones (tests/fixtures/real/boundaries.json), ±2 frames."""
    from bench import scenes_accuracy  # the scoring the benchmark reports, used as the test's measure
    from tests import real_clips

    total = scenes_accuracy.Score(0, 0, 0)
    for name, spans in scenes_accuracy.truth().items():
        if on_demand or not real_clips.CLIPS[name].on_demand:
            total = total + scenes_accuracy.score(scenes_accuracy.vtm_boundaries(real_clips.path(name)), spans)
    return total


def test_real_footage_precision_and_recall() -> None:
    """Real edited footage (five cuts, one in the middle of a fast pan) and single shots
    with hard motion (a bird jerking its head close to the lens, a passing car)."""
    total = real_footage_score(on_demand=False)
    assert total.expected >= 5 and total.precision >= 0.95 and total.recall >= 0.95 and total.f1 >= 0.95, total


@pytest.mark.slow
def test_real_footage_with_the_trailer_precision_and_recall() -> None:
    """The same with the Big Buck Bunny trailer (cuts, fades through black, a dissolve into
    a dark shot that then brightens, captions fading over shots): fetched when missing (58 MB)."""
    total = real_footage_score(on_demand=True)
    assert total.expected >= 15 and total.precision >= 0.95 and total.recall >= 0.95 and total.f1 >= 0.95, total


BORDERS = {
    "letterbox": "pad=640:360:0:44:black",  # a 2.35:1 film in a 16:9 frame
    "pillarbox": "scale=360:272,pad=640:272:140:0:black",  # 4:3 in a wide frame
    "windowbox": "scale=320:136,pad=640:360:160:112:black",  # a small picture in the middle of black
}


@pytest.mark.parametrize("border", BORDERS)
def test_black_borders_do_not_hide_cuts(real_clip: Callable[[str], Path], tmp_path: Path, border: str) -> None:
    """The real cuts of bikes.mp4 (one during a fast pan) are found when the picture has
    black borders: the borders are left out of every comparison, not averaged in."""
    from tests import corpus

    path = tmp_path / f"{border}.mp4"
    corpus.ffmpeg("-i", str(real_clip("bikes.mp4")), "-vf", BORDERS[border], "-an", "-c:v", "libx264", "-preset", "veryfast",
                  str(path))
    found = [s.start_frame for s in scenes.detect(path, probe(path))[1:]]
    assert found == [30, 76, 137, 187, 242]


def test_black_borders_do_not_hide_fades_and_dissolves(corpus_clips: dict[str, Path], tmp_path: Path) -> None:
    from tests import corpus

    path = tmp_path / "windowboxed.mp4"
    corpus.ffmpeg("-i", str(corpus_clips["transitions"]), "-vf", "scale=160:90,pad=320:180:80:45:black", "-c:v", "libx264",
                  "-preset", "veryfast", str(path))
    found = scenes.detect(path, probe(path))[1:]
    assert [s.transition for s in found] == ["fade", "fade"]
    for scene, (_, start, end) in zip(found, corpus.TRANSITIONS, strict=True):
        assert start - 2 <= scene.start_frame <= end + 2


def test_json_and_csv_say_how_each_scene_begins(corpus_clips: dict[str, Path]) -> None:
    path = corpus_clips["transitions"]
    files = scenes.make_scenes(path, probe(path), dict(ScenesOptions().to_json(), width=96))
    rows = json.loads(files[scenes.JSON_NAME])["scenes"]
    assert rows[0]["transition"] is None and rows[1]["transition"] == "fade" and rows[1]["fade_end_s"] > rows[1]["fade_start_s"]
    table = list(csv.DictReader(io.StringIO(files[scenes.CSV_NAME].decode())))
    assert table[1]["transition"] == "fade" and float(table[1]["fade_start_s"]) == rows[1]["fade_start_s"]
    assert scenes.from_json(files[scenes.JSON_NAME].decode())[1].transition == "fade"
