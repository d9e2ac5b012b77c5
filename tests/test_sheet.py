"""Contact sheets: tile count and geometry, evenly spread times that skip the ends,
timestamps that are the frames' own, the header, and the repeat-free fast mode."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests import clips
from vtm.media import sheet, tiles
from vtm.media.probe import probe
from vtm.models import VideoInfo


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s at 10 fps, one keyframe only (a long GOP): every frame shows its index."""
    return clips.write_clip(tmp_path_factory.mktemp("sheet") / "counted.mp4", clips.index_frame, width=160, height=96,
                            seconds=10, fps=10)


@pytest.mark.parametrize(("columns", "rows", "width"), [(4, 4, 120), (3, 2, 80), (1, 1, 64)])
def test_geometry_is_columns_by_rows_tiles_plus_header(counted: Path, columns: int, rows: int, width: int) -> None:
    info = probe(counted)
    data = sheet.make_sheet(counted, info, {"columns": columns, "rows": rows, "width": width, "fast": True, "format": "png"},
                            name="counted.mp4", size_bytes=counted.stat().st_size)
    image = Image.open(io.BytesIO(data))
    tile_w, tile_h = tiles.tile_size(info.width, info.height, width)
    assert image.width == columns * tile_w + (columns + 1) * sheet.GAP
    header = image.height - (rows * tile_h + (rows + 1) * sheet.GAP)
    assert 20 < header < 80


def test_times_spread_evenly_and_skip_the_first_and_last_5_percent() -> None:
    times = sheet.sheet_times(100.0, 4)
    assert times == pytest.approx([16.25, 38.75, 61.25, 83.75])
    assert min(sheet.sheet_times(100.0, 16)) > 5 and max(sheet.sheet_times(100.0, 16)) < 95


def test_fast_mode_on_a_long_gop_never_repeats_a_frame(counted: Path) -> None:
    """Keyframes every 3.2 s for tiles every 1 s: tiles that would repeat a keyframe, or
    lie further than half the spacing from their own, are read exactly."""
    times = sheet.sheet_times(10.0, 9)
    plain = tiles.grab_tiles(counted, times, size=(80, 48), fast=True)  # storyboards: only repeats are re-read
    assert len({clips.read_index(g.image) for g in plain}) == 9
    grabs = tiles.grab_tiles(counted, times, size=(80, 48), fast=True, near=True)  # sheets: near their time too
    indices = [clips.read_index(g.image) for g in grabs]
    assert len(set(indices)) == 9, indices
    for grab, index in zip(grabs, indices, strict=True):
        assert index == round(grab.time * 10)  # the stamp is the time of the frame shown
        assert abs(grab.time - grab.requested) <= 0.5  # half the spacing of the tiles


def test_header_names_file_duration_resolution_codec_and_size() -> None:
    info = VideoInfo(width=1920, height=1080, duration=3725.0, fps=25.0, codec="h264")
    lines = sheet.header_lines(info, name="holiday.mp4", size_bytes=5 * 1024 * 1024)
    assert lines[0] == "holiday.mp4"
    for part in ("1:02:05", "1920x1080", "h264", "5.0 MB", "25 fps"):
        assert part in lines[1]


def test_timestamps_are_drawn_on_each_tile(counted: Path) -> None:
    info = probe(counted)
    params = {"columns": 2, "rows": 1, "width": 160, "fast": True, "format": "png"}
    image = np.asarray(Image.open(io.BytesIO(sheet.make_sheet(counted, info, params, name="c", size_bytes=1))))
    tile_h = tiles.tile_size(info.width, info.height, 160)[1]
    corner = image[-sheet.GAP - 14 : -sheet.GAP - 2, sheet.GAP + 120 : sheet.GAP + 158]
    assert (corner > 200).any() and (corner < 60).any(), "no light text on a dark label in the tile's corner"
    assert image.shape[0] > tile_h
