"""Where shots change, from tiny copies of every frame (the decoding is in
vtm.media.scenes, the comparisons of two pictures in vtm.media.likeness: black borders
left out, brightness changes taken out). Three kinds of change are told apart:

- **cut**: a frame that cannot be explained by the one before moved a little (motion
  compensated, block by block) far more than its neighbours (`threshold` times their
  average, adaptive as PySceneDetect's AdaptiveDetector), with most of its blocks new,
  by at least MIN_CUT, and the change holds a frame later (a flash or a glitch is not a
  cut). A fast pan or a subject jerking close to the lens changes the picture without
  replacing it, so it is not a cut; a fade changes brightness, not the picture, and
  compression noise does not survive at 64x36, so a jump in quality is not one either.
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

Changes inside one dip of brightness (down to DIP_DEPTH of the level around it, not
always to black: a dissolve into a dark shot that then brightens) are one `fade`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from vtm.media.likeness import TINY, Tiny, difference, mixed, tiny, unexplained

__all__ = ["TINY", "Boundary", "Detector", "tiny"]

MIN_CUT = 10.0  # the least difference (0-255 scale) that can be a cut
NEW_SHARE = 0.8  # share of the (non-flat) blocks that must be new at a cut...
STRONG_SPIKE = 2.0  # ...unless the spike is this many times `threshold`
FADE_MIN_FRAMES = 3  # a brightness ramp at least this long is a fade, not an abrupt edge
LONG_BLACK_S = 2.0
DIP_DEPTH = 0.4  # a dip of brightness goes down to at most this share of the level around it
DISSOLVE_WINDOWS_S = (0.3, 0.8)  # half-widths looked at around a possible dissolve's middle


@dataclass(frozen=True)
class Boundary:
    frame: int  # first frame of the new scene
    kind: str  # "cut" or "fade"
    start: int  # first frame of the transition (== frame for a cut)
    end: int  # last frame of the transition (== frame for a cut)


class Detector:
    """Feed frames in order with `add`; `finish` gives the boundaries."""

    def __init__(self, fps: float, threshold: float = 3.0) -> None:
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else 25.0
        self.threshold = threshold
        self.scores: list[float] = []  # difference to the frame before
        self.moved: list[float] = []  # difference to the frame before once motion is allowed for...
        self.new: list[float] = []  # ...and share of blocks it cannot explain (only around possible cuts)
        self.held: list[float] = []  # difference of frame i+1 to frame i-1 (does the change hold?)
        self.means: list[float] = []
        self.dark: list[bool] = []
        self.windows = [max(2, round(s * self.fps)) for s in DISSOLVE_WINDOWS_S]
        self.recent: deque[Tiny] = deque(maxlen=2 * max(self.windows) + 1)
        self.mixes: list[tuple[int, int]] = []  # (middle frame, half width) of dissolve candidates
        self.quiet: list[tuple[int, int]] = []  # fades in from black at the start, out at the end: no boundary

    def add(self, frame: Tiny) -> None:
        recent = self.recent
        self.scores.append(difference(frame, recent[-1]) if recent else 0.0)
        self.moved.append(-1.0)
        self.new.append(0.0)
        if len(recent) >= 2:
            self.held.append(difference(frame, recent[-2]))
        self.means.append(frame.mean)
        self.dark.append(frame.dark)
        recent.append(frame)
        index = len(self.scores) - 1
        self._motion(index)
        for half in self.windows:
            if len(recent) >= 2 * half + 1 and mixed(recent[-1 - 2 * half], recent[-1 - half], recent[-1]):
                self.mixes.append((index - half, half))

    def _motion(self, last: int) -> None:
        """Motion-compensated differences (the costly measure) for the frames a cut test
        looks at: a frame at least MIN_CUT from the one before, and two either side."""
        for candidate in range(max(1, last - 2), last + 1):
            if self.scores[candidate] < MIN_CUT:
                continue
            for i in range(max(1, candidate - 2), min(last, candidate + 2) + 1):
                if self.moved[i] < 0:
                    back = last - i  # frame i is recent[-1 - back]
                    self.moved[i], self.new[i] = unexplained(self.recent[-1 - back], self.recent[-2 - back])

    def finish(self) -> list[Boundary]:
        black = self._black()
        taken = [(b.start, b.end) for b in black] + self.quiet
        cuts = [c for c in self._cuts() if not _inside(c, taken, 2)]
        taken += [(c, c) for c in cuts]
        dissolves = [d for d in self._dissolves() if not _inside(d.frame, taken, 2) and not _overlaps(d, taken)]
        changes = self._through_dark(sorted([*(Boundary(c, "cut", c, c) for c in cuts), *dissolves], key=lambda b: b.frame))
        return sorted([*black, *changes], key=lambda b: b.frame)

    # -- cuts --------------------------------------------------------------------------
    def _cuts(self) -> list[int]:
        s, m = self.scores, self.moved
        found = []
        for i in range(1, len(s)):
            if s[i] < MIN_CUT:
                continue
            around = m[max(1, i - 2) : i] + m[i + 1 : i + 3]
            average = sum(around) / len(around) if around else 0.0
            spike = m[i] / average if average > 1e-6 else math.inf
            holds = i - 1 >= len(self.held) or self.held[i - 1] >= 0.5 * s[i]  # held[i-1]: frame i+1 against i-1
            new = self.new[i] >= NEW_SHARE or spike >= STRONG_SPIKE * self.threshold
            if spike >= self.threshold and new and holds:
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

    def _ramp(self, edge: int, step: int, dark_stops: bool = True) -> int:
        """The far end of the brightness ramp next to frame `edge` (a fade out of it for
        step -1, into it for +1), at most 3 s long; `edge` itself when there is none."""
        means, n, k = self.means, len(self.means), edge
        while (0 <= k + step < n and not (dark_stops and self.dark[k + step]) and means[k + step] > means[k] + 0.5
               and abs(k - edge) < 3 * self.fps):
            k += step
        return k

    def _through_dark(self, changes: list[Boundary]) -> list[Boundary]:
        """Changes inside one dip of brightness (the picture dims, not always to black, and
        comes back up) are one transition: a `fade` spanning the dip. A dissolve into a
        dark picture that then brightens is seen as two mixes; it is one fade."""
        out: list[Boundary] = []
        for start, low, end in self._dips():
            inside = [b for b in changes if start - 2 <= b.frame <= end + 2]
            if len(inside) >= 2:
                out.append(Boundary(low, "fade", min(start, inside[0].start), max(end, inside[-1].end)))
                changes = [b for b in changes if b not in inside]
        return [*out, *changes]

    def _dips(self) -> list[tuple[int, int, int]]:
        """(first frame, darkest frame, last frame) of each dip of brightness: ramps of at
        least FADE_MIN_FRAMES down and up around frames at most DIP_DEPTH as bright."""
        means, n, found, k = self.means, len(self.means), [], 1
        while k < n - 1:
            first = last = k
            while last + 1 < n and abs(means[last + 1] - means[k]) <= 0.5:
                last += 1
            down, up = self._ramp(first, -1, dark_stops=False), self._ramp(last, +1, dark_stops=False)
            deep = means[k] <= DIP_DEPTH * min(means[down], means[up])
            if first - down >= FADE_MIN_FRAMES and up - last >= FADE_MIN_FRAMES and deep:
                found.append((down, first, up))
            k = last + 1
        return found

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


def _inside(frame: int, spans: list[tuple[int, int]], slack: int) -> bool:
    return any(start - slack <= frame <= end + slack for start, end in spans)


def _overlaps(boundary: Boundary, spans: list[tuple[int, int]]) -> bool:
    return any(boundary.start <= end and start <= boundary.end for start, end in spans)
