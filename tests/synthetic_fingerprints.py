"""A synthetic library of fingerprints shaped like real ones, for timing the duplicate
search at 1,000 videos without decoding 1,000 videos.

Each video is a run of scenes (2-15 s); a scene's hash is drawn with biased bits (each
bit 1 with its own probability in 0.25..0.75, as the low-frequency bits of real pHashes
are), and each sampled frame flips 0-3 of its bits (motion, noise). Some videos open
with black (flat) seconds. Planted copies are excerpts of other videos, some mirrored,
with 4-10 bits flipped per frame (a crop or a heavy re-encode).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vtm.media.fingerprint import Fingerprint
from vtm.media.phash import MIRROR_MASK


@dataclass
class SyntheticLibrary:
    fingerprints: dict[int, Fingerprint]
    planted: dict[tuple[int, int], tuple[int, bool]]  # (source, copy) -> (offset in frames, mirrored)


def _flip_bits(rng: np.random.Generator, hashes: np.ndarray, low: int, high: int) -> np.ndarray:
    out = hashes.copy()
    counts = rng.integers(low, high + 1, len(hashes))
    for n, count in enumerate(counts):
        for bit in rng.choice(64, size=int(count), replace=False):
            out[n] ^= np.uint64(1) << np.uint64(bit)
    return out


def _video(rng: np.random.Generator, bias: np.ndarray, frames: int) -> Fingerprint:
    hashes = np.zeros(frames, np.uint64)
    start = 0
    weights = np.uint64(1) << np.arange(64, dtype=np.uint64)
    while start < frames:
        length = int(rng.integers(2, 16))
        scene = np.sum(weights[rng.random(64) < bias], dtype=np.uint64)
        hashes[start : start + length] = scene
        start += length
    noise = rng.integers(0, 4, frames)
    for bit in range(3):
        flip = (noise > bit) * (np.uint64(1) << rng.integers(0, 64, frames).astype(np.uint64))
        hashes ^= flip.astype(np.uint64)
    flat = np.zeros(frames, bool)
    if rng.random() < 0.3:
        flat[: int(rng.integers(1, 4))] = True
    return Fingerprint(1.0, hashes, flat)


def library(videos: int = 1000, planted: int = 50, seed: int = 16, mean_minutes: float = 3.0) -> SyntheticLibrary:
    rng = np.random.default_rng(seed)
    bias = rng.uniform(0.25, 0.75, 64)
    fingerprints: dict[int, Fingerprint] = {}
    originals = videos - planted
    for video_id in range(1, originals + 1):
        seconds = int(np.clip(rng.exponential(mean_minutes * 60), 30, 3600))
        fingerprints[video_id] = _video(rng, bias, seconds)
    pairs: dict[tuple[int, int], tuple[int, bool]] = {}
    sources = rng.choice(np.arange(1, originals + 1), size=planted, replace=False)
    for n, source in enumerate(sources.tolist()):
        original = fingerprints[source]
        length = int(rng.integers(15, max(16, len(original) + 1)))
        start = int(rng.integers(0, len(original) - length + 1))
        mirrored = bool(rng.random() < 0.3)
        hashes = _flip_bits(rng, original.hashes[start : start + length], 4, 10)
        if mirrored:
            hashes ^= np.uint64(MIRROR_MASK)
        copy_id = originals + 1 + n
        fingerprints[copy_id] = Fingerprint(1.0, hashes, original.flat[start : start + length].copy())
        pairs[(source, copy_id)] = (start, mirrored)
    return SyntheticLibrary(fingerprints, pairs)
