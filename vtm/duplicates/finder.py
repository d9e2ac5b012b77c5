"""Pairs of videos that share footage, with how much and where.

`find_duplicates` searches a whole library at once: candidate frame pairs from the
band index, a quick check of the frames around each (most random band collisions fail
it), then a full alignment of each pair of videos that kept a candidate.

`similarity` (0..1) = coverage × closeness: coverage is the share of the shorter
video's sampled frames that lie in a shared range (a 20 s excerpt of a film covers
itself wholly: 1.0), closeness is 1 − mean distance of the matched frames / 32 (32 bits
is what unrelated frames differ by): 1.0 for an identical copy, lower for a crop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from vtm.duplicates.align import MASK, MATCH_BITS, WINDOW_MATCHES, Range, align, distance, window_matches
from vtm.duplicates.index import Library, band_hits
from vtm.media.fingerprint import Fingerprint

__all__ = ["Duplicate", "Range", "duplicates_of", "find_duplicates"]


@dataclass(frozen=True)
class Duplicate:
    video_a: int
    video_b: int
    similarity: float
    ranges: list[Range]
    mirrored: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"video_a": self.video_a, "video_b": self.video_b, "similarity": self.similarity,
                "mirrored": self.mirrored, "ranges": [r.to_dict() for r in self.ranges]}


def find_duplicates(fingerprints: Mapping[int, Fingerprint], *, min_similarity: float = 0.0) -> list[Duplicate]:
    """Every pair of videos sharing footage, most similar first (`video_a` < `video_b`)."""
    return _search(fingerprints, None, min_similarity)


def duplicates_of(video_id: int, fingerprints: Mapping[int, Fingerprint], *, min_similarity: float = 0.0) -> list[Duplicate]:
    """The pairs that include `video_id` (its fingerprint among `fingerprints`)."""
    return _search(fingerprints, video_id, min_similarity)


def _search(fingerprints: Mapping[int, Fingerprint], only_id: int | None, min_similarity: float) -> list[Duplicate]:
    library = Library.build(fingerprints)
    only = None
    if only_id is not None:
        found = np.flatnonzero(library.ids == only_id)
        if not len(found):
            return []
        only = int(found[0])
    hits = band_hits(library, only)
    hits = hits.where(distance(library.hashes[hits.a], library.hashes[hits.b] ^ np.where(hits.mirror, MASK, np.uint64(0)))
                      <= MATCH_BITS)
    va, vb = library.video[hits.a], library.video[hits.b]
    bounds = (library.offsets[va], library.offsets[vb]), (library.offsets[va + 1], library.offsets[vb + 1])
    lo = np.stack(bounds[0]) if len(va) else np.zeros((2, 0), np.int64)
    hi = np.stack(bounds[1]) if len(va) else np.zeros((2, 0), np.int64)
    kept = window_matches(library.hashes, library.usable, lo, hi, hits.a, hits.b, hits.mirror) >= WINDOW_MATCHES
    va, vb, mirror = va[kept], vb[kept], hits.mirror[kept].astype(np.int64)
    offset = (hits.b[kept] - library.offsets[vb]) - (hits.a[kept] - library.offsets[va])
    order = np.lexsort((offset, mirror, vb, va))
    va, vb, mirror, offset = va[order], vb[order], mirror[order], offset[order]
    if not len(va):  # no candidate survived (a library of one video, or nothing alike)
        return []
    starts = np.flatnonzero(np.concatenate([[True], (np.diff(va) != 0) | (np.diff(vb) != 0) | (np.diff(mirror) != 0)]))
    ends = np.concatenate([starts[1:], [len(va)]])
    best: dict[tuple[int, int], Duplicate] = {}
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        x, y = int(va[s]), int(vb[s])
        a, b = fingerprints[int(library.ids[x])], fingerprints[int(library.ids[y])]
        if a.every_s != b.every_s:
            continue
        duplicate = _duplicate(int(library.ids[x]), int(library.ids[y]), a, b, bool(mirror[s]), offset[s:e])
        if duplicate is None or duplicate.similarity < min_similarity:
            continue
        key = (duplicate.video_a, duplicate.video_b)
        if key not in best or duplicate.similarity > best[key].similarity:
            best[key] = duplicate
    return sorted(best.values(), key=lambda d: (-d.similarity, d.video_a, d.video_b))


def _duplicate(id_a: int, id_b: int, a: Fingerprint, b: Fingerprint, mirror: bool, hints: np.ndarray) -> Duplicate | None:
    alignment = align(a, b, mirror, hints)
    if not alignment.ranges:
        return None
    shorter = max(1, min(int((~a.flat).sum()), int((~b.flat).sum())))
    coverage = min(1.0, alignment.covered / shorter)
    closeness = max(0.0, 1.0 - alignment.mean_bits / 32)
    return Duplicate(id_a, id_b, round(coverage * closeness, 3), alignment.ranges, mirror)
