"""BIF (Base Index Frames) archives: the trick-play format of Roku, also read by Plex and
Emby. Written from Roku's published specification (its "BIF file format" section of the
Trick Mode Support guide); all integers are unsigned 32-bit little-endian:

    bytes 0-7    magic 0x89 'B' 'I' 'F' 0x0d 0x0a 0x1a 0x0a
    bytes 8-11   version, 0
    bytes 12-15  N, the number of images
    bytes 16-19  timestamp multiplier in ms (0 means 1000)
    bytes 20-63  reserved, 0
    bytes 64-    index: N+1 entries of (timestamp, absolute offset of the image); the
                 last entry is (0xffffffff, offset of the last byte of data + 1)
    then         the JPEG images, in index order, adjacent (an image's size is the next
                 offset minus its own)

A frame's time in ms is its timestamp times the multiplier. We write 1000 (timestamps in
seconds, as Roku's own biftool does) when every time is a whole second, else 1 (ms).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

import numpy as np

from vtm.errors import InvalidInput
from vtm.media import render

MAGIC = b"\x89BIF\r\n\x1a\n"
VERSION = 0
HEADER_SIZE = 64
END_OF_INDEX = 0xFFFFFFFF
MAX_IMAGES = 100_000  # ~11 days at one frame every 10 s
MEDIA_TYPE = "application/octet-stream"


def multiplier_for(times_ms: Sequence[int]) -> int:
    """1000 when every time is a whole second (timestamps in seconds), else 1."""
    return 1000 if all(t % 1000 == 0 for t in times_ms) else 1


def write_bif(frames: Sequence[tuple[float, bytes]]) -> bytes:
    """The BIF archive of `frames`: (time in seconds, JPEG bytes), in strictly increasing
    time order. Refuses what the format cannot hold (no frame, a non-JPEG, times out of
    order or past the 32-bit range, an archive over 4 GiB)."""
    if not frames:
        raise InvalidInput("a BIF archive needs at least one frame")
    if len(frames) > MAX_IMAGES:
        raise InvalidInput(f"a BIF archive holds at most {MAX_IMAGES} frames here, not {len(frames)}")
    times_ms: list[int] = []
    for n, (seconds, jpeg) in enumerate(frames):
        if not jpeg.startswith(b"\xff\xd8"):
            raise InvalidInput(f"BIF frame {n} is not a JPEG image")
        if not (math.isfinite(seconds) and seconds >= 0) or (times_ms and round(seconds * 1000) <= times_ms[-1]):
            raise InvalidInput(f"BIF frame times must increase from 0, in ms steps: frame {n} is at {seconds} s")
        times_ms.append(round(seconds * 1000))
    multiplier = multiplier_for(times_ms)
    stamps = [ms // multiplier for ms in times_ms]
    if stamps[-1] >= END_OF_INDEX:
        raise InvalidInput("a BIF timestamp must fit in 32 bits")
    offset = HEADER_SIZE + 8 * (len(frames) + 1)
    index = bytearray()
    for stamp, (_, jpeg) in zip(stamps, frames, strict=True):
        index += struct.pack("<II", stamp, offset)
        offset += len(jpeg)
    if offset > END_OF_INDEX:
        raise InvalidInput("a BIF archive is limited to 4 GiB (32-bit offsets)")
    index += struct.pack("<II", END_OF_INDEX, offset)
    header = MAGIC + struct.pack("<III", VERSION, len(frames), multiplier) + bytes(HEADER_SIZE - 20)
    return b"".join([header, bytes(index), *(jpeg for _, jpeg in frames)])


def bif_from_images(times: Sequence[float], images: Sequence[np.ndarray], quality: int = 80) -> bytes:
    """A BIF archive of BGR images shown at `times` (seconds), each encoded as a JPEG."""
    if len(times) != len(images):
        raise InvalidInput(f"{len(times)} times for {len(images)} images")
    return write_bif([(t, render.encode(image, "jpg", quality)) for t, image in zip(times, images, strict=True)])
