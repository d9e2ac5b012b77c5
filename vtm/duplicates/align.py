"""Lining two hash sequences up: the time offsets they agree on and the ranges that match.

Two frames match when their hashes differ by at most `MATCH_BITS` of 64 (re-encoding
and rescaling change 0-3 bits, a 10 % crop about 11 on average; unrelated frames of
similar style rarely come within 12). One matching frame proves nothing; footage is
shared when many frames match *at the same time offset*: a trimmed copy is the same
sequence shifted, so every match between the two votes for the offset j − i, and the
offsets with the most votes are checked frame by frame along that diagonal. A phase
shift under one sampling step is absorbed by also accepting the neighbouring diagonal.
A range is found with the strict threshold, then grows over the frames next to it that
come within `EXTEND_BITS` (hysteresis, as an edge detector's: the harder frames of a
cropped copy join a range the easy ones proved).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vtm.media.fingerprint import Fingerprint
from vtm.media.phash import MIRROR_MASK

MATCH_BITS = 12
EXTEND_BITS = 20  # a range found at MATCH_BITS grows over neighbours this close
WINDOW = 6  # frames each side of a candidate hit checked before a pair is aligned
WINDOW_MATCHES = 4  # of those 13, at least this many must match
GAP = 3  # matching frames this close belong to one range
MIN_RUN = 4  # a range spans at least this many sampled frames
STILL_MIN = 30  # a range showing one picture only (a still, a slide) must be this long
MAX_OFFSETS = 8  # distinct shared passages per pair
CHUNK_CELLS = 4_000_000
HINT_REACH = 16
MAX_HINTS = 16
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
    counted: np.ndarray = np.bitwise_count(a ^ b)
    return counted


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


def align(a: Fingerprint, b: Fingerprint, mirror: bool, hints: np.ndarray | None = None) -> Alignment:
    """The passages `a` and `b` (or `b`'s mirror image) share. `hints`: offsets j − i
    where matching frames were already found; only offsets near them are tried then."""
    hb = b.hashes ^ MASK if mirror else b.hashes
    votes = _diagonal_votes(a, b, hb) if hints is None else _votes_near(a, b, hb, hints)
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
        d, inside = _diagonal(a, b, hb, offset)
        inside &= ~used_a & ~_shifted(used_b, offset, len(a))
        strict, ok = inside & (d <= MATCH_BITS), inside & (d <= EXTEND_BITS)
        for i0, i1 in _runs(ok):
            proof = strict[i0 : i1 + 1]
            if not _runs(proof) or (i1 - i0 + 1 < STILL_MIN and not _changes(a.hashes[i0 : i1 + 1][proof])):
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


def _votes_near(a: Fingerprint, b: Fingerprint, hb: np.ndarray, hints: np.ndarray) -> np.ndarray:
    """Like `_diagonal_votes`, for the offsets within `HINT_REACH` of a hint only (a hint
    from the first frame of a still shot can be off by that shot's length)."""
    votes = np.zeros(len(a) + len(b) - 1, np.int64)
    values, counts = np.unique(hints, return_counts=True)
    top = values[np.argsort(-counts, kind="stable")[:MAX_HINTS]]
    offsets = np.unique((top[:, None] + np.arange(-HINT_REACH, HINT_REACH + 1)[None, :]).ravel())
    offsets = offsets[(offsets > -len(a)) & (offsets < len(b))]
    i = np.arange(len(a))
    for chunk in np.array_split(offsets, max(1, len(offsets) * len(a) // CHUNK_CELLS + 1)):
        j = i[None, :] + chunk[:, None]
        inside = (j >= 0) & (j < len(b))
        jj = np.where(inside, j, 0)
        near = inside & (distance(a.hashes[None, :], hb[jj]) <= MATCH_BITS) & ~a.flat[None, :] & ~b.flat[jj]
        votes[chunk + len(a) - 1] = near.sum(axis=1)
    return votes


def _diagonal(a: Fingerprint, b: Fingerprint, hb: np.ndarray, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame i of `a`: the smallest distance to b's frame i + offset or a neighbour
    of it, and whether frame i + offset is inside `b`."""
    best = np.full(len(a), 64, np.int64)
    i = np.arange(len(a))
    facing = (i + offset >= 0) & (i + offset < len(b))  # ranges stay inside both videos
    for shift in (-1, 0, 1):
        j = i + offset + shift
        inside = (j >= 0) & (j < len(b))
        jj = np.where(inside, j, 0)
        d = np.where(inside & ~a.flat & ~b.flat[jj], distance(a.hashes, hb[jj]), 64)
        best = np.minimum(best, d)
    return best, facing


def _changes(frames: np.ndarray) -> bool:
    """Whether the strictly matching frames show more than one picture: one unrelated
    still that happens to look like another video's still is a coincidence, a sequence
    is not."""
    return len(frames) > 1 and int(distance(frames, frames[0]).max()) > MATCH_BITS


def _shifted(used_b: np.ndarray, offset: int, length: int) -> np.ndarray:
    """`used_b` seen from a's frame numbers at this offset."""
    j = np.arange(length) + offset
    inside = (j >= 0) & (j < len(used_b))
    shifted: np.ndarray = inside & used_b[np.where(inside, j, 0)]
    return shifted


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
    for first, last in zip(firsts, lasts, strict=True):
        i0, i1 = int(where[first]), int(where[last])
        if i1 - i0 + 1 >= MIN_RUN and (last - first + 1) * 2 >= i1 - i0 + 1:
            runs.append((i0, i1))
    return runs
