"""HDR to SDR: PQ (HDR10) and HLG pictures turned into 8-bit BT.709 pictures.

The same steps as FFmpeg's reference chain
`zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=mobius:desat=0,zscale=t=bt709`:
1. light: the PQ curve (SMPTE ST 2084), or HLG's inverse OETF followed by its OOTF
   (system gamma 1.2 for a 1000 cd/m2 display, per component as zimg applies it),
   scaled so that 1.0 is 100 cd/m2;
2. BT.2020 primaries to BT.709, in linear light;
3. Möbius tone curve on the brightest component (linear up to 0.3, then rolled off so
   that the stream's peak reaches 1.0), applied to all three so hues stay;
4. the BT.709 display's curve (BT.1886, gamma 2.4: the light is display light), then 8 bits.
Tables (65,536 entries) replace the power functions, so a 4K frame costs a few tens of
milliseconds; tiles cost nothing worth counting.
"""

from __future__ import annotations

import functools

import numpy as np

from vtm.media.look import PQ

MOBIUS_J = 0.3
BT2020_TO_BT709 = np.array([
    [1.660491, -0.587641, -0.072850],
    [-0.124550, 1.132900, -0.008349],
    [-0.018151, -0.100579, 1.118730],
], dtype=np.float32)
_STEPS = 65535


@functools.lru_cache(maxsize=2)
def _light_table(transfer: str) -> np.ndarray:
    """Signal code (0..65535) -> display light (1.0 = 100 cd/m2)."""
    v = np.arange(_STEPS + 1, dtype=np.float64) / _STEPS
    if transfer == PQ:
        m1, m2, c1, c2, c3 = 0.1593017578125, 78.84375, 0.8359375, 18.8515625, 18.6875
        p = v ** (1 / m2)
        light = (np.maximum(p - c1, 0) / np.maximum(c2 - c3 * p, 1e-12)) ** (1 / m1) * 100.0
    else:  # inverse OETF, then the OOTF per component (as zimg), 1000 cd/m2 = 10
        a, b, c = 0.17883277, 0.28466892, 0.55991073
        scene = np.where(v <= 0.5, v * v / 3, (np.exp((v - c) / a) + b) / 12)
        light = 10.0 * scene ** 1.2
    return light.astype(np.float32)


@functools.lru_cache(maxsize=1)
def _bt709_table() -> np.ndarray:
    """Display light 0..1 (in 65,536 steps) -> 8-bit code value for a BT.709 display
    (BT.1886: the inverse of its 2.4 gamma, as zimg's display-referred `t=bt709`)."""
    light = np.arange(_STEPS + 1, dtype=np.float64) / _STEPS
    code = light ** (1 / 2.4)
    return np.clip(np.round(code * 255), 0, 255).astype(np.uint8)


def mobius(signal: np.ndarray, peak: float, j: float = MOBIUS_J) -> np.ndarray:
    """FFmpeg's `tonemap=mobius`: identity up to `j`, then a curve reaching 1.0 at `peak`."""
    peak = max(float(peak), 1.0 + 1e-3)
    a = -j * j * (peak - 1) / (j * j - 2 * j + peak)
    b = (j * j - 2 * j * peak + peak) / max(peak - 1, 1e-6)
    rolled = (b * b + 2 * b * j + j * j) / (b - a) * (signal + a) / (signal + b)
    return np.where(signal <= j, signal, rolled).astype(np.float32)


def to_sdr(rgb16: np.ndarray, transfer: str, peak: float) -> np.ndarray:
    """An 8-bit BT.709 BGR picture from a 16-bit R'G'B' one (BT.2020 primaries, the
    `transfer` curve), tone-mapped so that light up to `peak` (x 100 cd/m2) fits."""
    light = _light_table(transfer)[rgb16] @ BT2020_TO_BT709.T  # (h, w, 3) float32
    brightest = np.maximum(light.max(axis=2), 1e-6)
    light *= (mobius(brightest, peak) / brightest)[..., None]
    index = np.clip(light * _STEPS + 0.5, 0, _STEPS).astype(np.uint16)
    return np.ascontiguousarray(_bt709_table()[index][..., ::-1])

