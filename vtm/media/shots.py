"""Where shots change, from tiny copies of every frame (pure NumPy; the decoding is in
vtm.media.scenes). Three kinds of change are told apart:

- **cut**: one frame differs from the one before far more than its neighbours do from
  theirs (`threshold` times their average, adaptive as PySceneDetect's
  AdaptiveDetector), by at least MIN_CUT, and the change holds a frame later (a flash
  or a glitch is not a cut). The difference is measured on a 64x36 copy in YCbCr after
  taking out a change of brightness (gain): a fade changes brightness, not the picture,
  so its frames are not cuts, and compression noise does not survive at that size, so a
  jump in quality is not one either.
- **fade through black**: the picture dims into (nearly) black frames and comes back as
  another picture. A short black stretch with a gradual edge is one boundary of type
  `fade` spanning the fade out and in; black cut to and cut from, or longer than
  LONG_BLACK_S, is a scene of its own (a boundary at each edge, `cut` or `fade`), also
  at the start or the end of the video when long; a shorter one there (a fade in from
  black at the start) is part of the first or last scene.
- **dissolve**: one picture turns into another through frames that are a mix of the two
  (checked: the middle frame is close to a blend of the frames a little before and
  after, and most of the frame changes, so a title fading over a shot is not one). A
  boundary of type `fade` in the middle, spanning the mix.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

TINY = (64, 36)  # width, height of the copies compared
MIN_CUT = 10.0  # the least difference (0-255 scale) that can be a cut
DARK = 22.0  # mean luma (0-255) under which a frame counts as black...
DARK_SPREAD = 14.0  # ...when its luma's spread is under this too
FADE_MIN_FRAMES = 3  # a brightness ramp at least this long is a fade, not an abrupt edge
LONG_BLACK_S = 2.0
DISSOLVE_WINDOWS_S = (0.3, 0.8)  # half-widths looked at around a possible dissolve's middle
BLEND_RESIDUAL = 0.25  # middle frame's distance to the best blend, relative to the change
CHANGED_SHARE = 0.4  # share of the picture that must change in a dissolve


@dataclass(frozen=True)
class Boundary:
    frame: int  # first frame of the new scene
    kind: str  # "cut" or "fade"
    start: int  # first frame of the transition (== frame for a cut)
    end: int  # last frame of the transition (== frame for a cut)


@dataclass
class _Frame:
    y: np.ndarray  # luma, float32 (h, w)
    c: np.ndarray  # chroma minus 128, float32 (h/2, w/2, 2)
    mean: float
    dark: bool


def tiny(ycrcb: np.ndarray) -> _Frame:
    """Features of a TINY-sized YCrCb picture (uint8)."""
    y = ycrcb[..., 0].astype(np.float32)
    c = ycrcb[::2, ::2, 1:].astype(np.float32) - 128.0
    mean = float(y.mean())
    return _Frame(y, c, mean, mean < DARK and float(y.std()) < DARK_SPREAD)


def difference(a: _Frame, b: _Frame) -> float:
    """How much picture `a` differs from `b` once a change of brightness is taken out
    (the gain that best maps `b` onto `a`: a fade is a change of gain)."""
    gain = float(np.dot(a.y.ravel(), b.y.ravel()) / max(float(np.dot(b.y.ravel(), b.y.ravel())), 1.0))
    gain = min(50.0, max(0.02, gain))
    return float(np.abs(a.y - gain * b.y).mean() + np.abs(a.c - gain * b.c).mean())


class Detector:
    """Feed frames in order with `add`; `finish` gives the boundaries."""

    def __init__(self, fps: float, threshold: float = 3.0) -> None:
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else 25.0
        self.threshold = threshold
        self.scores: list[float] = []  # difference to the frame before
        self.held: list[float] = []  # difference of frame i+1 to frame i-1 (does the change hold?)
        self.means: list[float] = []
        self.dark: list[bool] = []
        self.windows = [max(2, round(s * self.fps)) for s in DISSOLVE_WINDOWS_S]
        self.recent: deque[_Frame] = deque(maxlen=2 * max(self.windows) + 1)
        self.mixes: list[tuple[int, int]] = []  # (middle frame, half width) of dissolve candidates
        self.quiet: list[tuple[int, int]] = []  # fades in from black at the start, out at the end: no boundary

    def add(self, frame: _Frame) -> None:
        recent = self.recent
        self.scores.append(difference(frame, recent[-1]) if recent else 0.0)
        if len(recent) >= 2:
            self.held.append(difference(frame, recent[-2]))
        self.means.append(frame.mean)
        self.dark.append(frame.dark)
        recent.append(frame)
        index = len(self.scores) - 1
        for half in self.windows:
            if len(recent) >= 2 * half + 1 and _mixed(recent[-1 - 2 * half], recent[-1 - half], recent[-1]):
                self.mixes.append((index - half, half))

    def finish(self) -> list[Boundary]:
        black = self._black()
        taken = [(b.start, b.end) for b in black] + self.quiet
        cuts = [c for c in self._cuts() if not _inside(c, taken, 2)]
        taken += [(c, c) for c in cuts]
        dissolves = [d for d in self._dissolves() if not _inside(d.frame, taken, 2) and not _overlaps(d, taken)]
        return sorted([*black, *(Boundary(c, "cut", c, c) for c in cuts), *dissolves], key=lambda b: b.frame)

    # -- cuts --------------------------------------------------------------------------
    def _cuts(self) -> list[int]:
        s = self.scores
        found = []
        for i in range(1, len(s)):
            if s[i] < MIN_CUT:
                continue
            around = s[max(1, i - 2) : i] + s[i + 1 : i + 3]
            average = sum(around) / len(around) if around else 0.0
            holds = i - 1 >= len(self.held) or self.held[i - 1] >= 0.5 * s[i]  # held[i-1]: frame i+1 against i-1
            if (average < 1e-6 or s[i] / average >= self.threshold) and holds:
                found.append(i)
        return found

    # -- fades through black --------------------------------------------------------------
    def _black(self) -> list[Boundary]:
        dark, n = self.dark, len(self.dark)
        runs, i = [], 0
        while i < n:
            if dark[i]:
                j = i
                while j + 1 < n and dark[j + 1]:
                    j += 1
                runs.append((i, j))
                i = j + 1
            else:
                i += 1
        found = []
        for first, last in runs:
            out, back = self._ramp(first, -1), self._ramp(last, +1)
            faded_out, faded_in = first - out >= FADE_MIN_FRAMES, back - last >= FADE_MIN_FRAMES
            long = (last - first + 1) / self.fps > LONG_BLACK_S
            if first == 0 or last == n - 1:
                # Black at the very start or end: a scene of its own when long, else part of the first or last scene.
                if long and first == 0 and last < n - 1:
                    found.append(Boundary(last + 1, "fade" if faded_in else "cut", last + 1, max(last + 1, back)))
                elif long and first > 0:
                    found.append(Boundary(first, "fade" if faded_out else "cut", out, first))
                else:
                    self.quiet.append((out, first) if first else (last, back))
                continue
            if long or not (faded_out or faded_in):
                # A scene of black: long, or cut to and cut from (min_scene may merge a short one).
                found.append(Boundary(first, "fade" if faded_out else "cut", out, first))
                found.append(Boundary(last + 1, "fade" if faded_in else "cut", last + 1, max(last + 1, back)))
            else:
                kind = "fade" if faded_out or faded_in else "cut"
                found.append(Boundary(last + 1, kind, out, max(last + 1, back)))
        return found

    def _ramp(self, edge: int, step: int) -> int:
        """The far end of the brightness ramp next to black frame `edge` (a fade out of it
        for step -1, into it for +1), at most 3 s long; `edge` itself when there is none."""
        means, n, k = self.means, len(self.means), edge
        while 0 <= k + step < n and not self.dark[k + step] and means[k + step] > means[k] + 0.5 and abs(k - edge) < 3 * self.fps:
            k += step
        return k

    # -- dissolves ----------------------------------------------------------------------
    def _dissolves(self) -> list[Boundary]:
        """Middles of blends, grouped; a group spans its first to its last middle."""
        groups: list[list[int]] = []
        for middle, half in sorted(self.mixes):
            if any(self.dark[max(0, middle - half) : middle + half + 1]):
                continue
            if groups and middle - groups[-1][-1] <= max(2, half // 2):
                groups[-1].append(middle)
            else:
                groups.append([middle])
        return [Boundary((g[0] + g[-1]) // 2, "fade", g[0], g[-1]) for g in groups if len(g) >= 2]


def _mixed(before: _Frame, middle: _Frame, after: _Frame) -> bool:
    """Whether `middle` is a blend of `before` and `after`, two pictures that differ
    over most of the frame by at least a cut's worth."""
    change = np.abs(before.y - after.y)
    if difference(after, before) < MIN_CUT or float((change > 20).mean()) < CHANGED_SHARE:
        return False  # too little change, or only in a part of the frame, or only in brightness (a fade)
    a = np.concatenate([before.y.ravel(), before.c.ravel()])
    b = np.concatenate([after.y.ravel(), after.c.ravel()])
    m = np.concatenate([middle.y.ravel(), middle.c.ravel()])
    direction = b - a
    share = float(np.dot(m - a, direction) / max(float(np.dot(direction, direction)), 1e-6))
    if not 0.2 <= share <= 0.8:
        return False
    residual = float(np.abs(m - (a + share * direction)).mean())
    return residual <= BLEND_RESIDUAL * float(np.abs(direction).mean())


def _inside(frame: int, spans: list[tuple[int, int]], slack: int) -> bool:
    return any(start - slack <= frame <= end + slack for start, end in spans)


def _overlaps(boundary: Boundary, spans: list[tuple[int, int]]) -> bool:
    return any(boundary.start <= end and start <= boundary.end for start, end in spans)
