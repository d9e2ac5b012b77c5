"""An independent BIF reader for the tests, written from Roku's specification (the BIF
file format section of its Trick Mode Support guide), sharing no code with
vtm/media/bif.py. It is strict: anything the specification does not allow is an error.
"""

from __future__ import annotations

from dataclasses import dataclass


class BifError(ValueError):
    pass


@dataclass(frozen=True)
class BifFrame:
    timestamp_ms: int
    offset: int
    data: bytes


@dataclass(frozen=True)
class Bif:
    version: int
    multiplier_ms: int
    frames: list[BifFrame]


def _u32(data: bytes, at: int) -> int:
    if at + 4 > len(data):
        raise BifError(f"file ends inside the 32-bit value at byte {at}")
    return data[at] | data[at + 1] << 8 | data[at + 2] << 16 | data[at + 3] << 24


def read_bif(data: bytes) -> Bif:
    if data[:8] != bytes([0x89, 0x42, 0x49, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]):
        raise BifError("bad magic number")
    version = _u32(data, 8)
    if version != 0:
        raise BifError(f"unknown version {version}")
    count = _u32(data, 12)
    multiplier = _u32(data, 16) or 1000  # "If this value is 0, the timestamp multiplier shall be 1000"
    if any(data[20:64]) or len(data) < 64:
        raise BifError("reserved bytes 20..63 must be 0")
    entries = [(_u32(data, 64 + 8 * i), _u32(data, 68 + 8 * i)) for i in range(count + 1)]
    if entries[-1][0] != 0xFFFFFFFF:
        raise BifError("index entry N is not the 0xffffffff end-of-data entry")
    if entries[-1][1] != len(data):
        raise BifError(f"end-of-data offset {entries[-1][1]} is not the file size {len(data)}")
    data_start = 64 + 8 * (count + 1)
    if count and entries[0][1] != data_start:
        raise BifError("the first image does not start right after the index")
    frames = []
    for (stamp, offset), (_, following) in zip(entries, entries[1:], strict=False):
        if stamp == 0xFFFFFFFF:
            raise BifError("end-of-data entry before entry N")
        if following <= offset:
            raise BifError("images are not in index order, or one is empty")
        frames.append(BifFrame(stamp * multiplier, offset, data[offset:following]))
    return Bif(version, multiplier, frames)
