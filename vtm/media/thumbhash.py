"""ThumbHash: a ~25-byte blurred placeholder of a picture (Evan Wallace's algorithm, as
published with its reference implementations), shown while the real picture loads.

The picture (at most 100x100, shrunk to fit first) is turned into luminance L, yellow-blue
P and red-green Q (and alpha A), each composited over the average colour; a few low DCT
coefficients of each are kept: L up to 7 along the longer side (5 with alpha), P and Q 3x3,
A 5x5, always the triangle cx * ny < nx * (ny - cy). Header: 24 bits (L, P, Q averages,
L scale, alpha flag), 16 bits (the L count along the shorter side, P and Q scales,
landscape flag), one alpha byte when there is alpha, then one 4-bit nibble per
coefficient, low nibble first. The decoder renders a picture 32 px on its long side.
All roundings are JavaScript's Math.round (half up), as in the reference encoder.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import cv2
import numpy as np

from vtm.errors import InvalidInput

MAX_INPUT = 100
RENDER_SIZE = 32


def _round(value: float) -> int:
    return math.floor(value + 0.5)


def _cosines(count: int, size: int) -> np.ndarray:
    """(count, size): cos(pi / size * c * (i + 0.5)) for each coefficient c and pixel i."""
    return np.cos(np.pi / size * np.arange(count)[:, None] * (np.arange(size)[None, :] + 0.5))


def _triangle(nx: int, ny: int) -> list[tuple[int, int]]:
    """The coefficients kept, (cy, cx), in the order they are written (DC first)."""
    return [(cy, cx) for cy in range(ny) for cx in range(nx) if cx * ny < nx * (ny - cy)]


def _encode_channel(channel: np.ndarray, nx: int, ny: int) -> tuple[float, list[float], float]:
    h, w = channel.shape
    grid = _cosines(ny, h) @ channel @ _cosines(nx, w).T / (w * h)
    dc, *ac = (float(grid[cy, cx]) for cy, cx in _triangle(nx, ny))
    scale = max((abs(f) for f in ac), default=0.0)
    if scale > 0:
        ac = [0.5 + 0.5 / scale * f for f in ac]
    return dc, ac, scale


def encode(image: np.ndarray) -> bytes:
    """The ThumbHash of a BGR (or BGRA) picture."""
    if image.ndim != 3 or image.shape[2] not in (3, 4) or not image.shape[0] or not image.shape[1]:
        raise InvalidInput("a ThumbHash needs a BGR or BGRA picture")
    h, w = image.shape[:2]
    if max(w, h) > MAX_INPUT:
        scale = MAX_INPUT / max(w, h)
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
        image = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    pixels = image.astype(np.float64) / 255
    rgb = pixels[..., 2::-1] if image.shape[2] == 3 else pixels[..., [2, 1, 0]]
    alpha = pixels[..., 3] if image.shape[2] == 4 else np.ones((h, w))
    total_alpha = alpha.sum()
    average = (rgb * alpha[..., None]).reshape(-1, 3).sum(axis=0) / total_alpha if total_alpha > 0 else np.zeros(3)
    has_alpha = total_alpha < w * h
    l_limit = 5 if has_alpha else 7
    lx = max(1, _round(l_limit * w / max(w, h)))
    ly = max(1, _round(l_limit * h / max(w, h)))
    over = average * (1 - alpha[..., None]) + rgb * alpha[..., None]  # composited over the average colour
    r, g, b = over[..., 0], over[..., 1], over[..., 2]
    l_dc, l_ac, l_scale = _encode_channel((r + g + b) / 3, max(3, lx), max(3, ly))
    p_dc, p_ac, p_scale = _encode_channel((r + g) / 2 - b, 3, 3)
    q_dc, q_ac, q_scale = _encode_channel(r - g, 3, 3)
    landscape = w > h
    header24 = (_round(63 * l_dc) | _round(31.5 + 31.5 * p_dc) << 6 | _round(31.5 + 31.5 * q_dc) << 12
                | _round(31 * l_scale) << 18 | int(has_alpha) << 23)
    header16 = (ly if landscape else lx) | _round(63 * p_scale) << 3 | _round(63 * q_scale) << 9 | int(landscape) << 15
    out = bytearray(header24.to_bytes(3, "little") + header16.to_bytes(2, "little"))
    factors = l_ac + p_ac + q_ac
    if has_alpha:
        a_dc, a_ac, a_scale = _encode_channel(alpha, 5, 5)
        out.append(_round(15 * a_dc) | _round(15 * a_scale) << 4)
        factors += a_ac
    nibbles = [_round(15 * f) for f in factors] + [0] * (len(factors) % 2)
    out += bytes(low | high << 4 for low, high in zip(nibbles[::2], nibbles[1::2], strict=True))
    return bytes(out)


def to_base64(thumbhash: bytes) -> str:
    return base64.b64encode(thumbhash).decode("ascii")


def from_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as error:
        raise InvalidInput(f"not a base64 ThumbHash: {text!r}") from error


def _header(thumbhash: bytes) -> tuple[int, int, bool, bool]:
    if len(thumbhash) < 5:
        raise InvalidInput("a ThumbHash has at least 5 bytes")
    header24 = int.from_bytes(thumbhash[:3], "little")
    header16 = int.from_bytes(thumbhash[3:5], "little")
    return header24, header16, bool(header24 >> 23), bool(header16 >> 15)


def _dc(header24: int) -> tuple[float, float, float]:
    """The averages of L, P and Q."""
    return (header24 & 63) / 63, ((header24 >> 6) & 63) / 31.5 - 1, ((header24 >> 12) & 63) / 31.5 - 1


def _rgb(lum: np.ndarray | float, p: np.ndarray | float, q: np.ndarray | float) -> tuple[Any, Any, Any]:
    b = lum - 2 / 3 * p
    r = (3 * lum - b + q) / 2
    return r, r - q, b


def aspect_ratio(thumbhash: bytes) -> float:
    """The picture's approximate width / height."""
    _, header16, has_alpha, landscape = _header(thumbhash)
    l_max, l_min = (5 if has_alpha else 7), header16 & 7
    return (l_max / l_min if landscape else l_min / l_max) if l_min else 1.0


def average_rgba(thumbhash: bytes) -> tuple[float, float, float, float]:
    """The picture's average colour, each of R, G, B, A in 0..1."""
    header24, _, has_alpha, _ = _header(thumbhash)
    r, g, b = (min(1.0, max(0.0, v)) for v in _rgb(*_dc(header24)))
    return r, g, b, (thumbhash[5] & 15) / 15 if has_alpha and len(thumbhash) > 5 else 1.0


def decode(thumbhash: bytes) -> np.ndarray:
    """The placeholder as a BGRA picture, 32 px on its long side."""
    header24, header16, has_alpha, landscape = _header(thumbhash)
    l_max = 5 if has_alpha else 7
    lx = max(3, l_max if landscape else header16 & 7)
    ly = max(3, header16 & 7 if landscape else l_max)
    start = 6 if has_alpha else 5
    if len(thumbhash) < start:
        raise InvalidInput("this ThumbHash is cut short")
    nibbles = [n for byte in thumbhash[start:] for n in (byte & 15, byte >> 4)]
    channels = [(lx, ly, ((header24 >> 18) & 31) / 31), (3, 3, ((header16 >> 3) & 63) / 63 * 1.25),
                (3, 3, ((header16 >> 9) & 63) / 63 * 1.25)]  # P and Q saturation boosted, as the reference does
    if has_alpha:
        channels.append((5, 5, (thumbhash[5] >> 4) / 15))
    if len(nibbles) < sum(len(_triangle(nx, ny)) - 1 for nx, ny, _ in channels):
        raise InvalidInput("this ThumbHash is cut short")
    ratio = aspect_ratio(thumbhash)
    w = _round(RENDER_SIZE if ratio > 1 else RENDER_SIZE * ratio)
    h = _round(RENDER_SIZE / ratio if ratio > 1 else RENDER_SIZE)
    dcs = [*_dc(header24), (thumbhash[5] & 15) / 15 if has_alpha else 1.0]
    planes = []
    used = 0
    for (nx, ny, scale), dc in zip(channels, dcs, strict=False):
        grid = np.zeros((ny, nx))
        for cy, cx in _triangle(nx, ny)[1:]:
            grid[cy, cx] = (nibbles[used] / 7.5 - 1) * scale
            used += 1
        planes.append(dc + 2 * _cosines(ny, h).T @ grid @ _cosines(nx, w))
    r, g, b = _rgb(*planes[:3])
    bgra = np.stack([b, g, r, planes[3] if has_alpha else np.ones((h, w))], axis=2)
    return np.asarray((np.clip(bgra, 0, 1) * 255).astype(np.uint8))  # truncated, as the reference's byte conversion does


def placeholder_png(thumbhash: bytes) -> bytes:
    ok, data = cv2.imencode(".png", decode(thumbhash))
    if not ok:
        raise ValueError("OpenCV could not encode the placeholder")
    return data.tobytes()
