"""Interlaced sources (field order in the header) are deinterlaced with bwdif for every
output: the frame VTM keeps equals `ffmpeg -vf bwdif` on the whole stream, and no
output shows combing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests import corpus
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import frames, sheet, storyboard, tiles
from vtm.media.decoder import decoded, frame_time, open_video
from vtm.media.probe import probe
from vtm.media.thumbnail import make_thumbnail


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus.interlaced(tmp_path_factory.mktemp("interlaced"))


@pytest.fixture(scope="module")
def decoded_frames(clip: Path) -> tuple[list[float], list[np.ndarray]]:
    times, images = [], []
    with open_video(clip) as (container, stream):
        for frame in decoded(container, stream):
            times.append(frame_time(frame, stream))
            images.append(frame.to_ndarray(format="bgr24"))
    return times, images


def test_probe_reports_the_field_order(clip: Path, real_clip: Callable[[str], Path]) -> None:
    assert probe(clip).field_order == "tff"
    for progressive in ("bikes.mp4", "base_pal.mpg", "balle1-vp9.avi"):  # real H.264 MP4, DVD MPEG-2, VP9 in AVI
        assert probe(real_clip(progressive)).field_order is None, progressive


@pytest.mark.parametrize("index", [5, 12, 20])
def test_a_kept_frame_equals_ffmpegs_bwdif(clip: Path, decoded_frames: tuple[list[float], list[np.ndarray]],
                                           index: int, tmp_path: Path) -> None:
    times, raw = decoded_frames
    reference = corpus.bwdif_reference(clip, tmp_path / "bwdif.raw")
    ours = frames.grab(clip, times[index]).image
    assert np.abs(ours.astype(int) - reference[index]).mean() < 0.5
    assert corpus.combing(raw[index]) > 4 * max(1.0, corpus.combing(ours))  # the decoded frame combs; ours does not


def test_no_output_kind_shows_combing(clip: Path, decoded_frames: tuple[list[float], list[np.ndarray]]) -> None:
    times, raw = decoded_frames
    combed = corpus.combing(raw[12])
    info = probe(clip)
    thumb = cv2.imdecode(np.frombuffer(make_thumbnail(clip, {"width": 720, "height": 576, "at": "0.5", "format": "png"},
                                                      info.duration), np.uint8), cv2.IMREAD_COLOR)
    assert corpus.combing(thumb) < combed / 4
    fast = make_thumbnail(clip, {"width": 720, "height": 576, "at": "0.5", "fast": True, "format": "png"}, info.duration)
    assert corpus.combing(cv2.imdecode(np.frombuffer(fast, np.uint8), cv2.IMREAD_COLOR)) < combed / 4
    for fast_tiles in (True, False):
        for grab in tiles.grab_tiles(clip, sheet.sheet_times(info.duration, 4), size=(720, 576), fast=fast_tiles):
            assert corpus.combing(grab.image) < combed / 4
    files = storyboard.make_storyboard(clip, info, dict(StoryboardOptions().to_json(), every=0.4, width=360))
    assert len(storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())) == 3
