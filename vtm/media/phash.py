"""A 64-bit perceptual hash (pHash) of a picture, from its discrete cosine transform.

The picture is turned grey and shrunk to 32×32 (area averaging: re-encoding noise and
the size it was stored at wash out), transformed with a 2-D DCT, and the 64
lowest-frequency coefficients other than the mean (DC) become the 64 bits: 1 where the
coefficient is positive. Classic pHash (and `imagehash.phash`) compares the 8×8 block,
DC included, with its median instead; the sign is as robust and has one property we
use: mirroring a picture left to right multiplies each coefficient of odd horizontal
frequency by −1, so the hash of the mirrored picture is the hash XOR `MIRROR_MASK`,
exactly. A mirrored copy is then found by looking up `h ^ MIRROR_MASK`, with no second
hash stored per frame.

A nearly uniform picture (black, a fade, a plain title background) has tiny
coefficients whose signs are noise; `is_flat` tells those apart so they never match.
"""

from __future__ import annotations

import cv2
import numpy as np

SIZE = 32
# (vertical, horizontal) frequency of each bit, lowest first: diagonals u+v = 1, 2, …
_ORDER = sorted(((v, u) for v in range(11) for u in range(11) if 0 < u + v <= 10), key=lambda p: (p[0] + p[1], p[1]))[:64]
_ROWS = np.array([v for v, _ in _ORDER])
_COLS = np.array([u for _, u in _ORDER])
_WEIGHTS = np.uint64(1) << np.arange(64, dtype=np.uint64)
# Bits whose horizontal frequency is odd: they flip when the picture is mirrored.
MIRROR_MASK = int(sum(1 << bit for bit, (_, u) in enumerate(_ORDER) if u % 2))
# Below this standard deviation of the 32×32 grey picture (0-255 levels) it is flat.
FLAT_STD = 4.0


def small_grey(image: np.ndarray) -> np.ndarray:
    """The picture as 32×32 float32 grey levels (BGR or grey input, any size)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.resize(grey, (SIZE, SIZE), interpolation=cv2.INTER_AREA).astype(np.float32)


def phash_small(small: np.ndarray) -> int:
    """The hash of a 32×32 grey picture from `small_grey`."""
    coefficients = cv2.dct(small)[_ROWS, _COLS]
    return int(np.sum(_WEIGHTS[coefficients > 0], dtype=np.uint64))


def phash(image: np.ndarray) -> int:
    return phash_small(small_grey(image))


def is_flat(small: np.ndarray) -> bool:
    return float(small.std()) < FLAT_STD


def mirrored(hash_value: int) -> int:
    """The hash the left-right mirror image of the picture has."""
    return hash_value ^ MIRROR_MASK
