"""BIF archives, checked with an independent reader written from Roku's specification
(tests/bif_reader.py): every field, every timestamp, every frame decoded and read back."""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.bif_reader import BifError, read_bif
from tests.clips import index_frame, read_index
from vtm.errors import InvalidInput
from vtm.media import render, tiles
from vtm.media.bif import bif_from_images, write_bif
from vtm.media.samples import write_clip

FPS = 10


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s at 10 fps; each frame paints its own index."""
    return write_clip(tmp_path_factory.mktemp("bif") / "indexed.mp4", index_frame, width=320, height=180, seconds=12, fps=FPS)


def decode(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, "a BIF frame does not decode as an image"
    return image


@pytest.mark.parametrize(("every", "multiplier"), [(1.0, 1000), (0.5, 1), (2.3, 1)])
def test_frames_of_a_real_video_read_back_with_their_times(indexed: Path, every: float, multiplier: int) -> None:
    times = [round(i * every, 3) for i in range(int(12 / every))]
    grabs = tiles.grab_tiles(indexed, times, size=(160, 90), fast=False)
    data = bif_from_images(times, [g.image for g in grabs], quality=85)

    bif = read_bif(data)
    assert bif.version == 0
    assert bif.multiplier_ms == multiplier
    assert len(bif.frames) == len(times)
    assert [f.timestamp_ms for f in bif.frames] == [round(t * 1000) for t in times]
    for frame, t, grab in zip(bif.frames, times, grabs, strict=True):
        image = decode(frame.data)
        assert image.shape == (90, 160, 3)
        assert read_index(image) == int(round(t * FPS + 1e-6)), f"the frame stored at {t} s shows another moment"
        assert np.abs(image.astype(int) - grab.image).mean() < 4  # the picture itself, not only its size


def test_header_index_and_data_layout_byte_by_byte() -> None:
    jpegs = [render.encode(np.full((8, 8, 3), v, np.uint8), "jpg") for v in (0, 128, 255)]
    data = write_bif([(0, jpegs[0]), (10, jpegs[1]), (20, jpegs[2])])
    assert data[:8] == b"\x89BIF\r\n\x1a\n"
    version, count, multiplier = struct.unpack("<III", data[8:20])
    assert (version, count, multiplier) == (0, 3, 1000)
    assert data[20:64] == bytes(44)
    index = [struct.unpack("<II", data[64 + 8 * i : 72 + 8 * i]) for i in range(4)]
    first = 64 + 8 * 4
    assert index == [(0, first), (10, first + len(jpegs[0])), (20, first + len(jpegs[0]) + len(jpegs[1])),
                     (0xFFFFFFFF, len(data))]
    assert data[first:] == b"".join(jpegs)


@pytest.mark.parametrize(
    ("frames", "words"),
    [
        ([], "at least one"),
        ([(0, b"GIF89a...")], "not a JPEG"),
        ([(0, b"\xff\xd8a"), (0, b"\xff\xd8b")], "increase"),
        ([(5, b"\xff\xd8a"), (1, b"\xff\xd8b")], "increase"),
        ([(-1, b"\xff\xd8a")], "increase"),
        ([(float("nan"), b"\xff\xd8a")], "increase"),
        ([(float("inf"), b"\xff\xd8a")], "increase"),
        ([(0, b"\xff\xd8a"), (0.0004, b"\xff\xd8b")], "increase"),  # same millisecond
        ([(5_000_000.5, b"\xff\xd8a")], "32 bits"),  # 5e9 ms does not fit
    ],
)
def test_what_the_format_cannot_hold_is_refused(frames: list, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        write_bif(frames)


def test_times_and_images_must_pair() -> None:
    with pytest.raises(InvalidInput, match="2 times for 1 images"):
        bif_from_images([0, 1], [np.zeros((4, 4, 3), np.uint8)])


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda d: b"\x88" + d[1:],  # magic
        lambda d: d[:8] + struct.pack("<I", 1) + d[12:],  # version
        lambda d: d[:30] + b"\x01" + d[31:],  # reserved byte
        lambda d: d[:-1],  # truncated: end offset past the file
        lambda d: d[:72] + struct.pack("<I", 7) + d[76:],  # end-of-data entry is not 0xffffffff
        lambda d: d[:68] + struct.pack("<I", 10) + d[72:],  # first offset inside the index
    ],
)
def test_the_reader_is_strict(corrupt) -> None:
    """The independent reader refuses what the specification forbids (a reader that
    accepts anything would let the writer tests pass on a broken writer)."""
    data = write_bif([(0, b"\xff\xd8one\xff\xd9")])
    read_bif(data)
    with pytest.raises(BifError):
        read_bif(corrupt(data))
