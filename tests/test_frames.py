"""Frame accuracy: the exact frame at a time (not the nearest keyframe), variable frame
rate, rotation as ffmpeg shows it, and the last decodable frame when a seek fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests import clips
from vtm.media import frames
from vtm.media.probe import probe


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s at 25 fps with a keyframe every 250 frames: exact reads must decode forward."""
    return clips.write_clip(tmp_path_factory.mktemp("frames") / "counted.mp4", clips.index_frame, width=160, height=96,
                            seconds=4, fps=25)


@pytest.mark.parametrize("seconds", [0.0, 0.04, 1.0, 1.5, 2.02, 3.96])
def test_exact_frame_at_time(counted: Path, seconds: float) -> None:
    grab = frames.grab(counted, seconds)
    expected = int(seconds * 25 + 1e-6)  # the frame on screen at that time
    assert clips.read_index(grab.image) == expected
    assert grab.time == pytest.approx(expected / 25)


def test_many_times_in_one_pass_each_exact(counted: Path) -> None:
    times = [0.5, 0.52, 0.9, 1.7, 1.74, 3.0]
    got = [clips.read_index(g.image) for g in frames.grab_many(counted, times)]
    assert got == [int(t * 25 + 1e-6) for t in times]


def test_fast_takes_the_keyframe_before(counted: Path) -> None:
    grab = frames.grab(counted, 2.0, exact=False)
    index = clips.read_index(grab.image)
    assert index < 50 and grab.time == pytest.approx(index / 25)  # x264 put a keyframe where it saw fit


def test_variable_frame_rate_time_means_time(tmp_path: Path) -> None:
    path, times = clips.vfr(tmp_path / "vfr.mp4")
    for seconds in (0.5, 1.99, 2.1, 5.0, 7.7):
        index = max(i for i, t in enumerate(times) if t <= seconds + 1e-6)
        grab = frames.grab(path, seconds)
        assert clips.read_index(grab.image) == index, seconds
        assert grab.time == pytest.approx(times[index], abs=1e-3)


def test_one_frame_video_gives_that_frame_at_any_time(tmp_path: Path) -> None:
    path = clips.write_clip(tmp_path / "one.mp4", clips.index_frame, width=64, height=48, seconds=0.04, fps=25)
    assert clips.read_index(frames.grab(path, 5.0).image) == 0


def test_cut_short_file_falls_back_to_the_last_frame_that_decodes(tmp_path: Path) -> None:
    full = clips.write_clip(tmp_path / "full.ts", clips.index_frame, width=160, height=96, seconds=4, fps=25)
    cut = tmp_path / "cut.ts"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    grab = frames.grab(cut, 3.9)
    index = clips.read_index(grab.image)
    assert 10 < index < 99 and grab.time < 3.9


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")
def test_rotated_frame_matches_ffmpeg(videos: dict[str, Path], tmp_path: Path) -> None:
    ref = tmp_path / "ref.png"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(videos["portrait"]), "-frames:v", "1", str(ref)], check=True)
    expected = cv2.imread(str(ref))
    ours = frames.grab(videos["portrait"], 0.0).image
    assert ours.shape == expected.shape == (320, 180, 3)
    assert np.abs(ours.astype(int) - expected.astype(int)).mean() < 6
    assert probe(videos["portrait"]).rotation in (90, 270)
