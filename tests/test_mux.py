"""Mux-compatible parameters mapped to VTM's options (Mux's documented semantics, e.g.
preserve: 100x100 of a 16:9 video is 100x56), the Mux storyboard JSON of a real
storyboard, and Mux's order of operations on a real frame."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.clips import index_frame, read_index
from vtm.errors import InvalidInput
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.media import orient, render, storyboard, tiles
from vtm.media.probe import probe
from vtm.media.samples import write_clip
from vtm.models import Video, VideoStatus
from vtm.web.mux import animated_options, storyboard_json, thumbnail_options

HD = (1920, 1080)


@pytest.mark.parametrize(
    ("query", "size", "expected"),
    [
        ({"width": "100", "height": "100"}, HD, {"width": 100, "height": 56, "fit": "cover"}),  # Mux's own example
        ({"width": "100", "height": "100", "fit_mode": "preserve"}, (1080, 1920), {"width": 56, "height": 100, "fit": "cover"}),
        ({"width": "320"}, HD, {"width": 320, "height": 180, "fit": "cover"}),
        ({"height": "90", "fit_mode": "stretch"}, HD, {"width": 160, "height": 90, "fit": "cover"}),  # one side: aspect kept
        ({}, HD, {"width": 1920, "height": 1080, "fit": "cover"}),  # the video's size
        ({"width": "300", "height": "300", "fit_mode": "stretch"}, HD, {"width": 300, "height": 300, "fit": "stretch"}),
        ({"width": "300", "height": "300", "fit_mode": "crop"}, HD, {"width": 300, "height": 300, "fit": "cover"}),
        ({"width": "300", "height": "300", "fit_mode": "smartcrop"}, HD, {"width": 300, "height": 300, "fit": "smart"}),
        ({"width": "300", "height": "300", "fit_mode": "pad"}, HD, {"width": 300, "height": 300, "fit": "contain", "pad": "000000"}),
        ({"width": "320", "rotate": "90"}, HD, {"width": 320, "height": 569, "fit": "cover", "rotate": 90}),
        ({"rotate": "270"}, HD, {"width": 1080, "height": 1920, "fit": "cover", "rotate": 270}),
        ({"width": "320", "rotate": "180", "flip_h": "true", "flip_v": "1"}, HD,
         {"width": 320, "height": 180, "fit": "cover", "rotate": 180, "flip_h": True, "flip_v": True}),
        ({"width": "320", "flip_h": "false", "rotate": "0"}, HD, {"width": 320, "height": 180, "fit": "cover"}),
    ],
)
def test_thumbnail_sizes_and_fits(query: dict[str, str], size: tuple[int, int], expected: dict) -> None:
    options = thumbnail_options(query, "webp", *size)
    assert options == {"format": "webp", "at": "50%", **expected}


@pytest.mark.parametrize(("time", "at"), [("12.5", "12.5"), ("0", "0"), ("3", "3"), ("1.23456", "1.235"), ("7e1", "70")])
def test_time(time: str, at: str) -> None:
    assert thumbnail_options({"time": time, "width": "10"}, "jpg", *HD)["at"] == at


def test_default_time_is_the_callers_choice() -> None:
    assert thumbnail_options({"width": "10"}, "jpg", *HD, default_at="40.2")["at"] == "40.2"


def test_plain_mux_options_are_what_the_post_api_takes() -> None:
    """Same picture, same options: the canonical dict VTM's own API makes is unchanged."""
    video = Video(1, "a.mp4", VideoStatus.COMPLETED, "a.mp4", 1, "x", 1920, 1080, duration=60.0)
    for query in ({"width": "100", "height": "100"}, {"width": "320", "time": "12.5"}, {"height": "200", "fit_mode": "crop"},
                  {"width": "300", "height": "300", "fit_mode": "stretch"}, {"width": "300", "height": "300", "fit_mode": "pad"}):
        options = thumbnail_options(query, "png", video.width, video.height)
        assert {k: v for k, v in ThumbnailOptions.parse(options, video).to_json().items() if k in options} == options


@pytest.mark.parametrize(
    ("query", "fmt", "words"),
    [
        ({"width": "320", "token": "jwt"}, "jpg", "Unknown parameter"),
        ({"fit_mode": "cover"}, "jpg", "fit_mode"),
        ({"rotate": "45"}, "jpg", "rotate"),
        ({"rotate": "-90"}, "jpg", "rotate"),
        ({"width": "0"}, "jpg", "between 1"),
        ({"width": "-5"}, "jpg", "whole number"),
        ({"width": "1.5"}, "jpg", "whole number"),
        ({"width": "٣٢٠"}, "jpg", "whole number"),
        ({"height": "99999"}, "jpg", "between"),
        ({"time": "-1"}, "jpg", "time"),
        ({"time": "nan"}, "jpg", "time"),
        ({"time": "inf"}, "jpg", "time"),
        ({"time": "soon"}, "jpg", "not a number"),
        ({"flip_h": "yes"}, "jpg", "true or false"),
        ({}, "gif", "format"),
    ],
)
def test_thumbnail_refuses(query: dict[str, str], fmt: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        thumbnail_options(query, fmt, *HD)


def test_signature_parameters_are_not_options() -> None:
    assert thumbnail_options({"width": "320", "expires": "1", "signature": "x"}, "jpg", *HD)["width"] == 320


@pytest.mark.parametrize(
    ("query", "size", "duration", "expected"),
    [
        ({}, HD, 60.0, {"start": 0.0, "end": 5.0, "width": 320, "fps": 15}),
        ({"start": "10", "end": "12.5", "fps": "30"}, HD, 60.0, {"start": 10.0, "end": 12.5, "width": 320, "fps": 30}),
        ({"start": "58"}, HD, 60.0, {"start": 58.0, "end": 60.0, "width": 320, "fps": 15}),  # cut at the end
        ({"height": "180"}, HD, 60.0, {"start": 0.0, "end": 5.0, "width": 320, "fps": 15}),
        ({"height": "640"}, HD, 60.0, {"start": 0.0, "end": 5.0, "width": 640, "fps": 15}),  # 1138 wide would pass 640
        ({"width": "640"}, (1080, 1920), 60.0, {"start": 0.0, "end": 5.0, "width": 360, "fps": 15}),  # 1138 tall would
        ({"width": "400", "height": "100"}, HD, 60.0, {"start": 0.0, "end": 5.0, "width": 178, "fps": 15}),
        ({"start": "0", "end": "0.25"}, HD, None, {"start": 0.0, "end": 0.25, "width": 320, "fps": 15}),
    ],
)
def test_animated(query: dict[str, str], size: tuple[int, int], duration: float | None, expected: dict) -> None:
    assert animated_options(query, "gif", *size, duration) == {**expected, "format": "gif"}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start": "1", "end": "1.2"}, "0.25 to 10"),
        ({"start": "1", "end": "12"}, "0.25 to 10"),
        ({"start": "5", "end": "4"}, "0.25 to 10"),
        ({"start": "61"}, "past the end"),
        ({"width": "641"}, "between"),
        ({"height": "641"}, "between"),
        ({"fps": "31"}, "between"),
        ({"fps": "0"}, "between"),
        ({"fps": "many"}, "not a number"),
        ({"time": "3"}, "Unknown"),
    ],
)
def test_animated_refuses(query: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        animated_options(query, "webp", *HD, 60.0)


def test_animated_format() -> None:
    with pytest.raises(InvalidInput, match="format"):
        animated_options({}, "png", *HD, 60.0)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("mux") / "indexed.mp4", index_frame, width=320, height=180, seconds=10, fps=10)


@pytest.mark.parametrize(("columns", "rows", "sprites"), [(10, 10, 1), (2, 2, 3)])
def test_storyboard_json_of_a_real_storyboard(indexed: Path, columns: int, rows: int, sprites: int) -> None:
    info = probe(indexed)
    files = storyboard.make_storyboard(indexed, info, {"every": 1.0, "width": 160, "columns": columns, "rows": rows,
                                                       "fast": False, "quality": 90})
    cues = storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())
    doc = storyboard_json(cues, info.duration, lambda name: f"https://vtm.example/api/jobs/9/files/{name}")

    assert set(doc) == {"url", "tile_width", "tile_height", "duration", "tiles"}
    assert (doc["tile_width"], doc["tile_height"], doc["duration"]) == (160, 90, 10.0)
    assert doc["url"] == "https://vtm.example/api/jobs/9/files/storyboard-0.jpg"
    assert [t["start"] for t in doc["tiles"]] == [float(i) for i in range(10)]
    assert len({t.get("url") for t in doc["tiles"]}) == sprites
    assert all(("url" in t) == (sprites > 1) for t in doc["tiles"])
    for tile in doc["tiles"]:
        name = tile.get("url", doc["url"]).rsplit("/", 1)[1]
        sheet = cv2.imdecode(np.frombuffer(files[name], np.uint8), cv2.IMREAD_COLOR)
        shown = sheet[tile["y"] : tile["y"] + 90, tile["x"] : tile["x"] + 160]
        assert read_index(shown) == round(tile["start"] * 10), "a tile shows what is on screen at its start"


def test_storyboard_json_needs_tiles() -> None:
    with pytest.raises(InvalidInput):
        storyboard_json([], 10.0)


def test_mux_order_on_a_real_frame(indexed: Path) -> None:
    """rotate=90 then width=90 (fit), then flip_h: the frame's top-left corner ends where
    Mux's order puts it."""
    frame = tiles.grab_tiles(indexed, [0.0], size=None, fast=False)[0].image.copy()
    frame[:20, :20] = (0, 0, 255)  # a red mark in the top-left corner
    options = thumbnail_options({"width": "90", "rotate": "90", "flip_h": "true"}, "png", 320, 180)
    turned = orient.rotate(frame, options["rotate"])
    fitted = render.fit(turned, options["width"], options["height"], options["fit"])
    picture = orient.flip(fitted, horizontal=options.get("flip_h", False), vertical=options.get("flip_v", False))
    assert picture.shape == (160, 90, 3)
    red = (picture[..., 2] > 200) & (picture[..., 1] < 60)
    ys, xs = np.nonzero(red)
    assert xs.max() < 15 and ys.max() < 15, "turned clockwise the mark goes top-right; mirrored, top-left"
