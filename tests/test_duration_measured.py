"""A WebM with no duration in its header (as MediaRecorder and live recorders write it):
the probe measures the duration from the packets, says so, and every output uses it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests import corpus
from vtm.assembly import Assembly
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import sheet, storyboard, tiles
from vtm.media.decoder import open_video
from vtm.media.probe import probe
from vtm.media.thumbnail import resolve_time

SECONDS = 4.9


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = corpus.live_webm(tmp_path_factory.mktemp("live") / "recording.webm", SECONDS)
    with open_video(path) as (container, stream):
        assert container.duration is None and stream.duration is None, "the header must not have a duration"
    return path


def test_probe_measures_and_marks_the_duration(live: Path) -> None:
    info = probe(live)
    assert info.duration == pytest.approx(SECONDS, abs=0.04)
    assert info.duration_measured is True
    assert info.frame_count == pytest.approx(SECONDS * 30, abs=2)


@pytest.mark.parametrize(("name", "seconds"), [("bikes.mp4", 10.0), ("base_pal.mpg", 0.8), ("balle1-vp9.avi", 1.601)])
def test_a_duration_the_file_gives_is_not_marked_measured(real_clip: Callable[[str], Path], name: str, seconds: float) -> None:
    """Real files whose container gives the duration (MP4, a DVD's MPEG program stream, AVI)."""
    info = probe(real_clip(name))
    assert info.duration_measured is False and info.duration == pytest.approx(seconds, abs=0.01)


def test_storyboard_and_sheet_cover_the_whole_video(live: Path) -> None:
    info = probe(live)
    files = storyboard.make_storyboard(live, info, dict(StoryboardOptions().to_json(), every=1.0, width=64))
    cues = storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())
    assert [c.start for c in cues] == [0, 1, 2, 3, 4]
    assert cues[-1].end == pytest.approx(SECONDS, abs=0.04)
    times = sheet.sheet_times(info.duration, 16)
    grabs = tiles.grab_tiles(live, times, size=(64, 48), fast=True, near=True)
    assert len({round(g.time, 2) for g in grabs}) == 16 and max(g.time for g in grabs) > 4.0
    assert resolve_time("50%", info.duration) == pytest.approx(SECONDS / 2, abs=0.03)


def test_the_video_json_says_the_duration_was_measured(rt: Assembly, live: Path) -> None:
    video = rt.service.import_file(live)
    data = video.to_dict()
    assert data["duration"] == pytest.approx(SECONDS, abs=0.04) and data["duration_measured"] is True
    assert rt.service.get_video(video.id).duration_measured is True
