"""Which frames of a library might show the same picture: multi-index hashing.

A 64-bit hash is cut into four 16-bit bands; two hashes within a few bits of each
other often agree exactly on a band (always when they differ by 3 bits or fewer), so
sorting every frame by each band's value puts the candidates next to each other: no
pair of frames is compared unless they share a band. Each frame is entered twice, as
it is and mirrored (`h ^ MIRROR_MASK`), so mirrored copies meet too.

Two things keep the candidates few on a large library:
- within a video, a run of frames with the same band value (a still shot) enters once;
- a band value shared by more than `BUCKET_CAP` entries (a black frame, a plain
  background that every video has) tells nothing about which videos are copies and
  is skipped, as a search engine skips stop words.
Everything is NumPy over the whole library at once; no Python loop runs per frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from vtm.media.fingerprint import Fingerprint
from vtm.media.phash import MIRROR_MASK

BANDS = 4
BUCKET_CAP = 24
MASK = np.uint64(MIRROR_MASK)


@dataclass(frozen=True, eq=False)
class Library:
    """The fingerprints of many videos, end to end in flat arrays."""

    ids: np.ndarray  # video id of each fingerprint, in order
    offsets: np.ndarray  # where each fingerprint starts in the flat arrays (len(ids) + 1)
    video: np.ndarray  # index into `ids` of each frame
    hashes: np.ndarray  # uint64
    usable: np.ndarray  # not flat
    every_s: np.ndarray  # sampling step of each fingerprint

    @classmethod
    def build(cls, fingerprints: Mapping[int, Fingerprint]) -> Library:
        ids = np.array(sorted(fingerprints), dtype=np.int64)
        parts = [fingerprints[int(i)] for i in ids]
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        empty = np.zeros(0, np.uint64)
        return cls(
            ids=ids,
            offsets=offsets,
            video=np.repeat(np.arange(len(ids)), lengths),
            hashes=np.concatenate([p.hashes for p in parts]) if parts else empty,
            usable=np.concatenate([~p.flat for p in parts]) if parts else np.zeros(0, bool),
            every_s=np.array([p.every_s for p in parts], dtype=np.float64),
        )

    def frames(self, n: int) -> slice:
        return slice(int(self.offsets[n]), int(self.offsets[n + 1]))


@dataclass(frozen=True, eq=False)
class Hits:
    """Pairs of frames (flat positions `a`, `b`) of different videos, `a`'s video first,
    sharing a band; `mirror` when it is `b`'s mirror image that shares it."""

    a: np.ndarray
    b: np.ndarray
    mirror: np.ndarray

    def where(self, keep: np.ndarray) -> Hits:
        return Hits(self.a[keep], self.b[keep], self.mirror[keep])


def band_hits(library: Library, only: int | None = None) -> Hits:
    """Every candidate frame pair of the library; with `only` (an index into
    `library.ids`), just those with a frame of that video."""
    positions = np.flatnonzero(library.usable)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for band in range(BANDS):
        shift = np.uint64(16 * band)
        plain = ((library.hashes[positions] >> shift) & np.uint64(0xFFFF)).astype(np.int64)
        flipped = (((library.hashes[positions] ^ MASK) >> shift) & np.uint64(0xFFFF)).astype(np.int64)
        keep = _run_starts(library.video[positions], plain)
        found.append(_pairs_in_buckets(library, positions[keep], plain[keep], flipped[keep], only))
    if not found:
        return Hits(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    return Hits(*(np.concatenate(column) for column in zip(*found, strict=True)))


def _run_starts(video: np.ndarray, key: np.ndarray) -> np.ndarray:
    """True for the first frame of each run of equal keys within a video."""
    starts = np.ones(len(key), bool)
    starts[1:] = (video[1:] != video[:-1]) | (key[1:] != key[:-1])
    return starts


def _pairs_in_buckets(library: Library, positions: np.ndarray, plain: np.ndarray, flipped: np.ndarray,
                      only: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Entries: each frame as it is (orientation 0) and mirrored (1), sorted by band value.
    keys = np.concatenate([plain, flipped])
    where = np.concatenate([positions, positions])
    flip = np.concatenate([np.zeros(len(plain), bool), np.ones(len(flipped), bool)])
    if only is not None:  # only the buckets `only` is in (whole: the stop-word cap still sees their size)
        wanted = np.isin(keys, np.unique(keys[library.video[where] == only]))
        keys, where, flip = keys[wanted], where[wanted], flip[wanted]
    order = np.argsort(keys, kind="stable")
    keys, where, flip = keys[order], where[order], flip[order]
    # Drop the entries of buckets larger than the cap (stop words).
    edges = np.flatnonzero(np.diff(keys)) + 1
    sizes = np.diff(np.concatenate([[0], edges, [len(keys)]]))
    small = np.repeat(sizes <= BUCKET_CAP, sizes)
    keys, where, flip = keys[small], where[small], flip[small]
    video = library.video[where]
    # Each entry's place in its bucket: pairs are (entry, entry + step) within a bucket.
    edges = np.flatnonzero(np.diff(keys)) + 1
    firsts = np.concatenate([[0], edges])
    sizes = np.diff(np.concatenate([firsts, [len(keys)]]))
    rank = np.arange(len(keys)) - np.repeat(firsts, sizes)
    left = np.repeat(sizes, sizes) - rank - 1  # entries after this one in its bucket
    a_parts, b_parts, m_parts = [], [], []
    active = np.flatnonzero(left > 0)
    for step in range(1, BUCKET_CAP):
        active = active[left[active] >= step]
        if not len(active):
            break
        x, y = active, active + step
        same = video[x] != video[y]
        x, y = x[same], y[same]
        # Both as they are: a plain pair. Exactly one mirrored: a mirror pair, counted once
        # (with the mirrored entry from the later video). Both mirrored: the plain pair again.
        plain_pair = ~flip[x] & ~flip[y]
        one = flip[x] != flip[y]
        normal_side = np.where(flip[x], y, x)
        mirror_side = np.where(flip[x], x, y)
        one &= video[mirror_side] > video[normal_side]
        first = np.where(video[x] < video[y], x, y)
        second = np.where(video[x] < video[y], y, x)
        a = np.concatenate([where[first[plain_pair]], where[normal_side[one]]])
        b = np.concatenate([where[second[plain_pair]], where[mirror_side[one]]])
        m = np.concatenate([np.zeros(int(plain_pair.sum()), bool), np.ones(int(one.sum()), bool)])
        if only is not None:
            mine = (library.video[a] == only) | (library.video[b] == only)
            a, b, m = a[mine], b[mine], m[mine]
        a_parts.append(a)
        b_parts.append(b)
        m_parts.append(m)
    if not a_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool)
    return np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(m_parts)
