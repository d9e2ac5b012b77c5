"""Lining two hash sequences up: the time offsets they agree on and the ranges that match.

Two frames match when their hashes differ by at most `MATCH_BITS` of 64 (re-encoding
and rescaling change 0-3 bits, a 10 % crop about 11 on average; unrelated frames of
similar style rarely come within 12). One matching frame proves nothing; footage is
shared when many frames match *at the same time offset*: a trimmed copy is the same
sequence shifted, so every match between the two votes for the offset j − i, and the
offsets with the most votes are checked frame by frame along that diagonal. A phase
shift under one sampling step is absorbed by also accepting the neighbouring diagonal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vtm.media.fingerprint import Fingerprint
from vtm.media.phash import MIRROR_MASK

MATCH_BITS = 12
WINDOW = 6  # frames each side of a candidate hit checked before a pair is aligned
WINDOW_MATCHES = 4  # of those 13, at least this many must match
GAP = 3  # matching frames this close belong to one range
MIN_RUN = 4  # a range spans at least this many sampled frames
STILL_MIN = 30  # a range showing one picture only (a still, a slide) must be this long
MAX_OFFSETS = 8  # distinct shared passages per pair
CHUNK_CELLS = 4_000_000
MASK = np.uint64(MIRROR_MASK)


@dataclass(frozen=True)
class Range:
    a_start: float
    a_end: float
    b_start: float
    b_end: float

    def to_dict(self) -> dict[str, float]:
        return {"a_start": self.a_start, "a_end": self.a_end, "b_start": self.b_start, "b_end": self.b_end}


@dataclass(frozen=True)
class Alignment:
    ranges: list[Range]
    matched: int  # frames matched inside the ranges
    mean_bits: float  # their mean distance
    covered: int  # frames of `a` inside the ranges


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a ^ b)


def window_matches(hashes: np.ndarray, usable: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   a: np.ndarray, b: np.ndarray, mirror: np.ndarray) -> np.ndarray:
    """For each candidate pair of flat positions, how many of the frames around it
    (same offset, `WINDOW` each side, inside both videos) match. `lo`/`hi` bound each
    position's video: [lo[0], hi[0]) for `a`, [lo[1], hi[1]) for `b`."""
    flip = np.where(mirror, MASK, np.uint64(0))
    count = np.zeros(len(a), np.int32)
    for k in range(-WINDOW, WINDOW + 1):
        pa, pb = a + k, b + k
        inside = (pa >= lo[0]) & (pa < hi[0]) & (pb >= lo[1]) & (pb < hi[1])
        pa, pb = np.where(inside, pa, a), np.where(inside, pb, b)
        near = distance(hashes[pa], hashes[pb] ^ flip) <= MATCH_BITS
        count += inside & near & usable[pa] & usable[pb]
    return count


def align(a: Fingerprint, b: Fingerprint, mirror: bool) -> Alignment:
    """The passages `a` and `b` (or `b`'s mirror image) share."""
    hb = b.hashes ^ MASK if mirror else b.hashes
    votes = _diagonal_votes(a, b, hb)
    used_a, used_b = np.zeros(len(a), bool), np.zeros(len(b), bool)
    ranges: list[Range] = []
    matched, bits, covered = 0, 0.0, 0
    step = a.every_s
    for _ in range(MAX_OFFSETS):
        best = int(np.argmax(votes)) if len(votes) else 0
        if not len(votes) or votes[best] < MIN_RUN // 2:
            break
        offset = best - (len(a) - 1)
        votes[max(0, best - 2) : best + 3] = 0
        d, ok = _diagonal(a, b, hb, offset)
        ok &= ~used_a & ~_shifted(used_b, offset, len(a))
        for i0, i1 in _runs(ok):
            if i1 - i0 + 1 < STILL_MIN and not _changes(a, i0, i1):
                continue
            ranges.append(Range(round(i0 * step, 3), round(min((i1 + 1) * step, a.duration), 3),
                                round((i0 + offset) * step, 3), round(min((i1 + 1 + offset) * step, b.duration), 3)))
            span = ok[i0 : i1 + 1]
            matched += int(span.sum())
            bits += float(d[i0 : i1 + 1][span].sum())
            covered += i1 - i0 + 1
            used_a[i0 : i1 + 1] = True
            used_b[max(0, i0 + offset) : i1 + 1 + offset] = True
    ranges.sort(key=lambda r: (r.a_start, r.b_start))
    return Alignment(ranges, matched, bits / matched if matched else 0.0, covered)


def _diagonal_votes(a: Fingerprint, b: Fingerprint, hb: np.ndarray) -> np.ndarray:
    """Matching frame pairs per offset j − i (index offset + len(a) − 1), counted in
    row blocks so a pair of long videos never holds its whole distance matrix."""
    votes = np.zeros(len(a) + len(b) - 1, np.int64)
    rows = max(1, CHUNK_CELLS // max(1, len(b)))
    usable_b = ~b.flat
    for start in range(0, len(a), rows):
        block = a.hashes[start : start + rows]
        near = (distance(block[:, None], hb[None, :]) <= MATCH_BITS) & usable_b[None, :]
        near &= ~a.flat[start : start + rows, None]
        i, j = np.nonzero(near)
        votes += np.bincount(j - (i + start) + len(a) - 1, minlength=len(votes))
    return votes


def _diagonal(a: Fingerprint, b: Fingerprint, hb: np.ndarray, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame i of `a`: the smallest distance to b's frame i + offset or a neighbour
    of it, and whether that is a match."""
    best = np.full(len(a), 64, np.int64)
    i = np.arange(len(a))
    facing = (i + offset >= 0) & (i + offset < len(b))  # ranges stay inside both videos
    for shift in (-1, 0, 1):
        j = i + offset + shift
        inside = (j >= 0) & (j < len(b))
        jj = np.where(inside, j, 0)
        d = np.where(inside & ~a.flat & ~b.flat[jj], distance(a.hashes, hb[jj]), 64)
        best = np.minimum(best, d)
    return best, facing & (best <= MATCH_BITS)


def _changes(a: Fingerprint, i0: int, i1: int) -> bool:
    """Whether a's frames i0..i1 show more than one picture: one unrelated still that
    happens to look like another video's still is a coincidence, a sequence is not."""
    frames = a.hashes[i0 : i1 + 1][~a.flat[i0 : i1 + 1]]
    return len(frames) > 1 and int(distance(frames, frames[0]).max()) > MATCH_BITS


def _shifted(used_b: np.ndarray, offset: int, length: int) -> np.ndarray:
    """`used_b` seen from a's frame numbers at this offset."""
    j = np.arange(length) + offset
    inside = (j >= 0) & (j < len(used_b))
    return inside & used_b[np.where(inside, j, 0)]


def _runs(ok: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) frame of each range: matches joined across gaps up to GAP frames,
    at least MIN_RUN frames long and at least half of it matching."""
    where = np.flatnonzero(ok)
    if not len(where):
        return []
    breaks = np.flatnonzero(np.diff(where) > GAP + 1)
    firsts = np.concatenate([[0], breaks + 1])
    lasts = np.concatenate([breaks, [len(where) - 1]])
    runs = []
    for f, l in zip(firsts, lasts, strict=True):
        i0, i1 = int(where[f]), int(where[l])
        if i1 - i0 + 1 >= MIN_RUN and (l - f + 1) * 2 >= i1 - i0 + 1:
            runs.append((i0, i1))
    return runs
