"""The near-duplicate search on a large library: fingerprints of N synthetic videos
(scenes of 2-15 s with biased hash bits, a few flipped bits per frame, some black
openings; planted copies are excerpts, some mirrored, 4-10 bits flipped per frame)
kept in a real DuckDB file, their pairs stored as the server stores them. Measured:
listing the pairs (what `GET /api/duplicates` does: a read), indexing one more video
(fingerprint saved, compared with the library, its pairs stored: what happens when a
video is added), and a full search of the library without stored pairs (what the read
replaces)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.media_cases import Measure
from bench.timing import Stats
from vtm import assembly
from vtm.config import Settings
from vtm.duplicates import find_duplicates
from vtm.duplicates.indexer import Indexer
from vtm.media.fingerprint import Fingerprint
from vtm.media.phash import MIRROR_MASK

READ = "list the pairs (GET /api/duplicates)"
INDEX = "index one new video"
FULL = "full search, no stored pairs"


def _video(rng: np.random.Generator, bias: np.ndarray, frames: int) -> Fingerprint:
    weights = np.uint64(1) << np.arange(64, dtype=np.uint64)
    lengths = rng.integers(2, 16, frames // 2 + 1)
    scenes = np.array([np.sum(weights[rng.random(64) < bias], dtype=np.uint64) for _ in lengths], dtype=np.uint64)
    hashes = np.repeat(scenes, lengths)[:frames]
    for _ in range(3):
        flip = (rng.random(frames) < 0.5) * (np.uint64(1) << rng.integers(0, 64, frames).astype(np.uint64))
        hashes = hashes ^ flip.astype(np.uint64)
    flat = np.zeros(frames, bool)
    if rng.random() < 0.3:
        flat[: int(rng.integers(1, 4))] = True
    return Fingerprint(1.0, hashes, flat)


def _copy(rng: np.random.Generator, original: Fingerprint) -> tuple[Fingerprint, int, bool]:
    length = int(rng.integers(15, max(16, len(original) + 1)))
    start = int(rng.integers(0, len(original) - length + 1))
    hashes = original.hashes[start : start + length].copy()
    for _ in range(int(rng.integers(4, 11))):
        hashes ^= np.uint64(1) << rng.integers(0, 64, length).astype(np.uint64)
    mirrored = bool(rng.random() < 0.3)
    if mirrored:
        hashes ^= np.uint64(MIRROR_MASK)
    return Fingerprint(1.0, hashes, original.flat[start : start + length].copy()), start, mirrored


def library(videos: int, mean_minutes: float, seed: int = 16) -> tuple[list[Fingerprint], set[tuple[int, int]]]:
    """Fingerprints in arrival order (index + 1 is the video id) and the planted pairs."""
    rng = np.random.default_rng(seed)
    bias = rng.uniform(0.25, 0.75, 64)
    planted = max(2, videos // 20)
    prints = [_video(rng, bias, int(np.clip(rng.exponential(mean_minutes * 60), 30, 3600))) for _ in range(videos - planted)]
    pairs = set()
    for source in rng.choice(len(prints), size=planted, replace=False).tolist():
        copy, _start, _mirrored = _copy(rng, prints[source])
        prints.append(copy)
        pairs.add((source + 1, len(prints)))
    return prints, pairs


def measure(work: Path, videos: int, mean_minutes: float, repeats: int) -> Measure:
    prints, planted = library(videos, mean_minutes)
    frames = sum(len(p) for p in prints)
    settings = Settings(data_dir=work / "duplicates", isolation="thread", workers=1)
    with assembly.build(settings, start_workers=False) as rt:
        # The library as a server holds it: a row per video, its fingerprint, the pairs
        # found when it arrived (stored here from one search, which finds the same pairs).
        for n in range(len(prints)):
            rt.store.add_video(id=rt.store.next_video_id(), filename=f"v{n + 1}.mp4", path=f"/nowhere/v{n + 1}.mp4", size=1,
                               sha256="", width=640, height=360, duration=float(len(prints[n])), imported=True)
        last = prints[-1]
        library_now = {n + 1: p for n, p in enumerate(prints[:-1])}
        started = time.perf_counter()
        found = find_duplicates(library_now)
        full = time.perf_counter() - started
        for video_id, fingerprint in library_now.items():
            rt.store.save_fingerprint_and_pairs(video_id, fingerprint, [d for d in found if video_id == d.video_b])
        indexer = Indexer(rt.store, lambda _video_id: last)
        started = time.perf_counter()
        indexer.index(len(prints))
        index = time.perf_counter() - started
        reads = []
        for _ in range(max(3, repeats)):
            started = time.perf_counter()
            pairs = rt.service.duplicates()
            reads.append(time.perf_counter() - started)
    got = {(p["video_a"], p["video_b"]) for p in pairs}
    subject = f"{videos} videos, {frames:,} frames ({frames / videos / 60:.1f} min average)"
    return Measure("duplicates", subject, {READ: Stats(READ, reads), INDEX: Stats(INDEX, [index]), FULL: Stats(FULL, [full])},
                   checks={f"every planted copy found, nothing else ({len(planted)} pairs)": got == planted},
                   extra={"read_ms": float(np.median(reads)) * 1000})
