"""Storyboard tiles show what is on screen during their cue, from the shot of the cue's
start, and at most half a GOP from it — checked on what the tiles SHOW: each tile is
compared with every decoded frame of the clip, and the frame it matches best must be
of the right shot and near the cue. The clips join shots of different sources, with
keyframes at the cuts (as encoders place them) or every 2 s regardless of the cuts."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests import corpus
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import storyboard
from vtm.media.decoder import decoded, frame_time, open_video
from vtm.media.probe import probe

TILE = (160, 90)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shots")
    return {"keyed": corpus.with_cuts(folder, keyframes_at_cuts=True),
            "fixed-gop": corpus.with_cuts(folder, keyframes_at_cuts=False)}


def frames_of(path: Path) -> tuple[list[float], np.ndarray, list[float]]:
    """(time of every frame, every frame at tile size, times of the keyframes)."""
    times, images, keys = [], [], []
    with open_video(path) as (container, stream):
        for frame in decoded(container, stream):
            times.append(frame_time(frame, stream))
            images.append(cv2.resize(frame.to_ndarray(format="bgr24"), TILE, interpolation=cv2.INTER_AREA))
            if frame.key_frame:
                keys.append(times[-1])
    return times, np.stack(images).astype(np.int16), keys


def tiles_of(path: Path, every: float, fast: bool = True) -> list[tuple[storyboard.Cue, np.ndarray]]:
    info = probe(path)
    files = storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=every, width=TILE[0], fast=fast,
                                                        quality=95))
    out = []
    for cue in storyboard.parse_vtt(files[storyboard.VTT_NAME].decode()):
        sprite = cv2.imdecode(np.frombuffer(files[cue.sprite], np.uint8), cv2.IMREAD_COLOR)
        out.append((cue, sprite[cue.y : cue.y + cue.h, cue.x : cue.x + cue.w].astype(np.int16)))
    return out


@pytest.mark.parametrize("name", ["keyed", "fixed-gop"])
@pytest.mark.parametrize("every", [1.0, 0.75, 2.0])
def test_each_tile_shows_its_cues_shot_within_half_a_gop(clips: dict[str, Path], name: str, every: float) -> None:
    times, frames, keys = frames_of(clips[name])
    for cue, tile in tiles_of(clips[name], every):
        errors = np.abs(frames - tile[None]).mean(axis=(1, 2, 3))
        shown = int(np.argmin(errors))
        on_screen = max(i for i, t in enumerate(times) if t <= cue.start + 1e-6)
        assert corpus.shot_of(shown) == corpus.shot_of(on_screen), (
            f"cue {cue.start}: the tile shows frame {shown} (shot {corpus.shot_of(shown)}), "
            f"the screen shows shot {corpus.shot_of(on_screen)}")
        before = max(k for k in keys if k <= cue.start + 1e-6)
        after = min((k for k in keys if k > cue.start + 1e-6), default=times[-1] + 1 / corpus.FPS)
        assert abs(times[shown] - cue.start) <= (after - before) / 2 + 1e-3, f"cue {cue.start}: frame {shown} is more than half a GOP away"
        assert errors[shown] < 6, f"cue {cue.start}: the tile matches no frame well ({errors[shown]:.1f})"


def test_a_tile_takes_its_nearest_keyframe_even_when_the_tile_before_took_it(clips: dict[str, Path]) -> None:
    """Keyframes every 2 s; cues every 1 s at 0, 1, 2, ...: the cue on a keyframe shows
    that keyframe, and no tile jumps past the keyframe nearest to it to the next one."""
    times, frames, keys = frames_of(clips["fixed-gop"])
    tiles = tiles_of(clips["fixed-gop"], 1.0)
    for cue, tile in tiles:
        shown = int(np.argmin(np.abs(frames - tile[None]).mean(axis=(1, 2, 3))))
        if any(abs(k - cue.start) < 1e-3 for k in keys):
            assert abs(times[shown] - cue.start) < 1e-3, f"cue {cue.start} is on a keyframe but shows {times[shown]}"
        nearest = min(keys, key=lambda k: abs(k - cue.start))
        assert abs(times[shown] - cue.start) <= abs(nearest - cue.start) + 1 / corpus.FPS + 1e-6 or corpus.shot_of(
            round(nearest * corpus.FPS)) != corpus.shot_of(round(cue.start * corpus.FPS))


@pytest.mark.parametrize(("duration", "every", "count"), [(30.003, 2.0, 15), (30.0, 2.0, 15), (31.2, 2.0, 16), (9.9, 3.0, 3)])
def test_no_sliver_cue_at_the_end(duration: float, every: float, count: int) -> None:
    starts = storyboard.plan(duration, every)
    assert len(starts) == count
    assert duration - starts[-1] >= every / 2


def test_no_tile_skips_past_the_keyframe_nearest_to_it(tmp_path: Path) -> None:
    """Uneven GOPs (keyframes at 0, 1.0, 1.5, 4.0, 4.2, 6.0 s): a tile is never further
    from its time than the keyframe nearest to it (it may be nearer: an exact frame)."""
    from tests.clips import read_index

    keys = [0.0, 1.0, 1.5, 4.0, 4.2, 6.0]
    path = corpus.irregular_keyframes(tmp_path, keys)
    with open_video(path) as (container, stream):
        found = [round(frame_time(f, stream), 3) for f in decoded(container, stream) if f.key_frame]
    assert found == keys
    for every in (0.9, 0.7, 1.3):
        for cue, tile in tiles_of(path, every):
            shown = read_index(np.ascontiguousarray(tile.astype(np.uint8))) / 10
            nearest = min(abs(k - cue.start) for k in keys)
            assert abs(shown - cue.start) <= nearest + 1e-6, f"every {every}: cue {cue.start} shows {shown}"
