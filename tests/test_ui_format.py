"""vtm/ui/format.py and the small pure helpers of the dashboard views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vtm.kinds.storyboard import StoryboardOptions
from vtm.models import Video, VideoStatus
from vtm.ui import format
from vtm.ui.storyboard_view import display_width

J = format.WORD_JOINER


@pytest.mark.parametrize(("name", "expected"), [
    ("clip.mp4", "clip\\.mp4"),
    ("**bold**.mp4", "\\*\\*bold\\*\\*\\.mp4"),
    ("[x](javascript:alert(1)).mp4", f"\\[x\\]\\(javascript\\:{J}alert\\(1\\)\\)\\.mp4"),
    ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
    (":red[alarm] :material/home:", f"\\:{J}red\\[alarm\\] \\:{J}material\\/home\\:"),
    (":smile: :streamlit: 12:30", f"\\:{J}smile\\: \\:{J}streamlit\\: 12\\:{J}30"),
    ("&amp; $x$ a@b.co", f"\\&amp\\; \\$x\\$ a\\@{J}b\\.co"),
    ("http://x.y WWW.x.y", f"http\\:{J}\\/\\/x\\.y WWW{J}\\.x\\.y"),
    ("two\nlines", "two lines"),
    ("été 2024", "été 2024"),
])
def test_md_shows_names_as_typed(name: str, expected: str) -> None:
    assert format.md(name) == expected


@pytest.mark.parametrize(("num", "text"), [(0, "0 B"), (512, "512 B"), (2048, "2.0 KB"), (5 * 1024**2, "5.0 MB"),
                                           (3 * 1024**4, "3072.0 GB")])
def test_size(num: int, text: str) -> None:
    assert format.size(num) == text


@pytest.mark.parametrize(("seconds", "text"), [(None, "?"), (5.25, "5.2 s"), (0.04, "0.04 s"), (65, "1:05"), (3725, "1:02:05")])
def test_clock(seconds: float | None, text: str) -> None:
    assert format.clock(seconds) == text


@pytest.mark.parametrize(("delta", "text"), [(timedelta(seconds=5), "just now"), (timedelta(minutes=3), "3 min ago"),
                                             (timedelta(hours=5), "5 h ago"), (timedelta(days=3), "Jan 7 12:00 UTC")])
def test_ago(delta: timedelta, text: str) -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert format.ago((now - delta).replace(tzinfo=None), now=now) == text  # the store keeps naive UTC


def video(**changes: object) -> Video:
    values: dict[str, object] = {"id": 1, "filename": "a.mp4", "status": VideoStatus.COMPLETED, "path": "videos/1/a.mp4",
                                 "size": 2 * 1024**2, "sha256": "0", "width": 360, "height": 640, "rotation": 90,
                                 "duration": 75.0, "fps": 29.97, "codec": "h264"}
    values.update(changes)
    return Video(**values)  # type: ignore[arg-type]


def test_video_facts() -> None:
    assert format.video_facts(video()) == "360×640 · 1:15 · 29.97 fps · h264 · 2.0 MB · rotation -90°"
    assert format.video_facts(video(duration=None, fps=None, codec=None, rotation=0)) == (
        "360×640 · length unknown · codec unknown · 2.0 MB")


@pytest.mark.parametrize(("duration", "every"), [(None, 10.0), (6.0, 0.5), (120.0, 3.0), (3600.0, 10.0)])
def test_storyboard_default_is_about_forty_tiles(duration: float | None, every: float) -> None:
    start = {**StoryboardOptions.defaults(), **StoryboardOptions.suggestions(video(duration=duration))}
    assert start["every"] == every


@pytest.mark.parametrize(("w", "h", "shown"), [(160, 90, 320), (160, 284, 203), (320, 180, 360)])
def test_storyboard_tile_fits_a_square(w: int, h: int, shown: int) -> None:
    assert display_width(w, h) == shown
