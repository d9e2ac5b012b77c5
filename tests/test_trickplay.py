"""Jellyfin trickplay export, checked against Jellyfin's conventions as its source code
states them (TrickplayManager.cs GetTrickplayDirectory / CreateTiles, SkiaEncoder
CreateTrickplayTile, TrickplayOptions defaults) and read back the way its clients find a
thumbnail: index = floor(position / interval), sheet = index // (columns * rows), cell
left to right then top to bottom."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.clips import index_frame, read_index
from vtm.errors import InvalidInput
from vtm.media import tiles, trickplay
from vtm.media.samples import write_clip


def unzip(data: bytes) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: cv2.imdecode(np.frombuffer(archive.read(name), np.uint8), cv2.IMREAD_COLOR) for name in archive.namelist()}


def lookup(files: dict[str, np.ndarray], position_s: float, *, interval_s: float, width: int, columns: int = 10,
           rows: int = 10, folder: str = "") -> np.ndarray:
    """The thumbnail a Jellyfin client shows at `position_s`, found as a client finds it."""
    index = int(position_s * 1000 // (interval_s * 1000))
    sheet_name = f"{folder}{width} - {columns}x{rows}/{index // (columns * rows)}.jpg"
    sheet = files[sheet_name]
    h = sheet.shape[0] // rows
    r, c = divmod(index % (columns * rows), columns)
    return sheet[r * h : (r + 1) * h, c * width : (c + 1) * width]


def test_layout_names_and_full_grids_with_230_thumbnails() -> None:
    thumbs = [index_frame(i, 160, 90, 230) for i in range(230)]
    files = unzip(trickplay.trickplay_zip(thumbs, folder="My Movie (2024).trickplay"))

    assert sorted(files) == [f"My Movie (2024).trickplay/160 - 10x10/{n}.jpg" for n in range(3)]
    for name, sheet in files.items():
        assert re.fullmatch(r"My Movie \(2024\)\.trickplay/\d+ - \d+x\d+/\d+\.jpg", name)
        assert sheet.shape == (900, 1600, 3), "every sheet, the last included, is a full 10x10 grid"
    for k in range(230):
        found = lookup(files, k * 10.0 + 9.9, interval_s=10.0, width=160, folder="My Movie (2024).trickplay/")
        assert read_index(found) == k
    last = files["My Movie (2024).trickplay/160 - 10x10/2.jpg"]
    assert last[270:, :].max() < 20  # cells 30..99 of the last sheet are unused: black
    assert last[:270, 1600 - 160 * 10 :].mean() > 60


def test_a_real_video_exported_with_jellyfin_defaults(tmp_path: Path) -> None:
    fps = 2
    video = write_clip(tmp_path / "long.mp4", index_frame, width=640, height=360, seconds=125, fps=fps, preset="ultrafast")
    times = trickplay.thumbnail_times(125.0)
    assert times == [10.0 * k for k in range(13)]
    width = trickplay.thumbnail_width(640)
    assert width == trickplay.WIDTH == 320
    grabs = tiles.grab_tiles(video, times, size=(width, 180), fast=False)
    files = unzip(trickplay.trickplay_zip([g.image for g in grabs]))

    assert list(files) == ["320 - 10x10/0.jpg"]
    assert files["320 - 10x10/0.jpg"].shape == (1800, 3200, 3)
    for position in (0.0, 9.5, 10.0, 64.2, 99.9, 100.0, 124.9):
        shown = lookup(files, position, interval_s=10.0, width=320)
        assert read_index(shown) == int(position // 10) * 10 * fps, f"at {position} s"


@pytest.mark.parametrize(("video_width", "asked", "expected"), [(1920, 320, 320), (301, 320, 300), (250, 320, 250), (321, 321, 320)])
def test_thumbnail_width_is_even_and_never_wider_than_the_video(video_width: int, asked: int, expected: int) -> None:
    assert trickplay.thumbnail_width(video_width, asked) == expected


@pytest.mark.parametrize(("duration", "interval", "expected"),
                         [(25.0, 10.0, [0.0, 10.0, 20.0]), (30.0, 10.0, [0.0, 10.0, 20.0]), (3.0, 10.0, [0.0]),
                          (None, 10.0, [0.0]), (2.5, 1.0, [0.0, 1.0, 2.0])])
def test_thumbnail_times(duration: float | None, interval: float, expected: list[float]) -> None:
    assert trickplay.thumbnail_times(duration, interval) == expected


def test_other_grids_name_their_folder() -> None:
    thumbs = [index_frame(i, 96, 54, 7) for i in range(7)]
    files = unzip(trickplay.trickplay_zip(thumbs, columns=3, rows=2))
    assert sorted(files) == [f"96 - 3x2/{n}.jpg" for n in range(2)]
    assert all(sheet.shape == (108, 288, 3) for sheet in files.values())
    assert [read_index(lookup(files, k * 5.0, interval_s=5.0, width=96, columns=3, rows=2)) for k in range(7)] == list(range(7))


@pytest.mark.parametrize(
    ("thumbs", "folder", "words"),
    [
        ([], "", "at least one"),
        ([np.zeros((9, 15, 3), np.uint8)], "", "even"),
        ([np.zeros((8, 16, 3), np.uint8), np.zeros((9, 16, 3), np.uint8)], "", "same size"),
        ([np.zeros((8, 16, 3), np.uint8)], "../up", "relative"),
        ([np.zeros((8, 16, 3), np.uint8)], "/abs", "relative"),
        ([np.zeros((8, 16, 3), np.uint8)], "a/../../b", "relative"),
        ([np.zeros((8, 16, 3), np.uint8)], "a\\b", "relative"),
    ],
)
def test_refused_inputs(thumbs: list[np.ndarray], folder: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        trickplay.trickplay_zip(thumbs, folder=folder)
