"""A video's fingerprint: the pHash of one frame every `every_s` seconds.

Frames are taken at fixed times (0, 1, 2… s by default), not at keyframes: two copies
of a clip, one trimmed, then sample the same moments up to a phase shift under one
sampling step, and their hash sequences line up with a constant offset (what the
matcher in `vtm.duplicates` looks for). Frames are read exactly (the one on screen at
each time) and scaled down by the decoder before conversion, so only 64×64 pictures
reach NumPy. Frames that are nearly uniform (black, fades) are marked flat.

`fingerprint_frames` takes (time, picture) pairs already decoded, e.g. a storyboard's
tiles, so a video whose tiles exist need not be decoded again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vtm.media.decoder import decoded, frame_time, open_video
from vtm.media.frames import grab_many
from vtm.media.look import Look, look_of
from vtm.media.phash import is_flat, phash_small, small_grey
from vtm.media.picture import exact_size, to_image

EVERY_S = 1.0
DECODE_SIZE = 64
MAX_FRAMES = 100_000  # 27 hours at one per second: bounds memory for hostile durations


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """Hash `i` is of the frame at `i * every_s` seconds; `flat[i]` marks a frame too
    uniform to compare."""

    every_s: float
    hashes: np.ndarray  # uint64
    flat: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.hashes)

    @property
    def duration(self) -> float:
        return len(self.hashes) * self.every_s

    def to_blobs(self) -> tuple[bytes, bytes]:
        """(hashes, flat marks) as bytes for a database column."""
        return self.hashes.astype("<u8").tobytes(), np.packbits(self.flat).tobytes()

    @classmethod
    def from_blobs(cls, every_s: float, hashes: bytes, flat: bytes) -> Fingerprint:
        values = np.frombuffer(hashes, dtype="<u8").astype(np.uint64)
        marks = np.unpackbits(np.frombuffer(flat, dtype=np.uint8))[: len(values)].astype(bool)
        return cls(every_s, values, marks)

    @classmethod
    def of(cls, every_s: float, hashes: Iterable[int], flat: Iterable[bool] | None = None) -> Fingerprint:
        values = np.fromiter((int(h) for h in hashes), dtype=np.uint64)
        marks = np.zeros(len(values), bool) if flat is None else np.fromiter(flat, dtype=bool, count=len(values))
        return cls(every_s, values, marks)


def fingerprint_frames(frames: Iterable[tuple[float, np.ndarray]], every_s: float = EVERY_S) -> Fingerprint:
    """The fingerprint from (time, BGR or grey picture) pairs in time order: for each
    sampling time, the last picture at or before it."""
    hashes: list[int] = []
    flat: list[bool] = []
    for seconds, image in frames:
        small = small_grey(image)
        while len(hashes) * every_s <= seconds + 1e-6 and len(hashes) < MAX_FRAMES:
            hashes.append(phash_small(small))
            flat.append(is_flat(small))
    return Fingerprint.of(every_s, hashes, flat)


def fingerprint_file(path: Path, duration: float | None, *, every_s: float = EVERY_S,
                     progress: Callable[[float], None] | None = None) -> Fingerprint:
    """Decode `path` and hash a frame every `every_s` seconds. With a known `duration`
    the frames are read by seeking (frames between samples that nothing refers to are
    never decoded); without one, every frame is decoded."""
    if not duration:
        return fingerprint_frames(_every_frame(path), every_s)
    count = min(MAX_FRAMES, max(1, int(np.ceil(duration / every_s - 1e-6))))
    times = [i * every_s for i in range(count)]
    pairs = []
    for n, grab in enumerate(grab_many(path, times, exact=True, size=exact_size(DECODE_SIZE, DECODE_SIZE))):
        pairs.append((grab.requested, grab.image))
        if progress and n % 30 == 0:
            progress(n / count)
    return fingerprint_frames(pairs, every_s)


def _every_frame(path: Path) -> Iterable[tuple[float, np.ndarray]]:
    """Every frame at 64x64, upright and SDR as every output shows it (not deinterlaced:
    at that size the two fields are averaged anyway)."""
    size = exact_size(DECODE_SIZE, DECODE_SIZE)
    with open_video(path) as (container, stream):
        look: Look | None = None
        for frame in decoded(container, stream):
            if look is None:
                look = replace(look_of(stream, frame), field_order=None)
            yield frame_time(frame, stream), to_image(frame, look, size)
