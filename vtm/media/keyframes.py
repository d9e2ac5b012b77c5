"""Fast tiles that stay true to the shot (storyboards, contact sheets, `auto` candidates).

The tile for a time T is a keyframe at most half a GOP from T, and only one from the
shot on screen at T:
1. K, the keyframe at or before T, and K', the first one after T, are found by seeking
   (index lookups), not by decoding. The nearer of the two is the candidate (K on a tie).
2. The candidate is shown only when no cut separates it from T. The proof: K and K'
   look alike (colour histograms of the decoded keyframes), so no cut lies between them.
   When they differ, the cut is at K' if the encoder put K' there (encoders place
   keyframes at cuts; a K' at the stream's regular keyframe interval was not placed)
   and no packet between K and T stands out, so K is still T's shot; otherwise the cut
   is somewhere between, and only a packet clearly larger than all others (a cut coded
   without a keyframe, as x264 codes one that comes soon after a keyframe) tells where.
   Whatever is not proven is read exactly: the frame at T, decoded from K.
3. Decoding is saved where the packet sizes already prove it: a GOP whose packets show
   no outlier (no packet far above the rest, no sudden drop as at a cut to black) holds
   no cut without a keyframe, so K (or a regular K') needs no comparison, and the other
   keyframe is decoded only when a tile shows it anyway.
Keyframes are decoded in one batch (frame threads decode keyframes side by side: they
depend on nothing) and scaled to the tile's size as they come. A tile whose keyframe an
earlier tile already shows is read exactly (so two tiles never show one frame, and none
skips past its nearest keyframe); with a `tolerance`, so is one whose keyframe lies
further than that from its time.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vtm.media.decoder import open_video
from vtm.media.frames import FORWARD_WINDOW_S, Grab, stream_interlaced
from vtm.media.look import Look, look_of
from vtm.media.packets import Walker
from vtm.media.picture import Sizer, to_image

ALIKE = 0.35  # Bhattacharyya distance of HSV histograms below which two keyframes are one shot
SMOOTH = 1.6  # a GOP whose largest non-key packet is within this many times its 90th percentile
SPIKE = 2.5  # a packet this many times the next largest (and 3 x the 90th percentile) codes a cut
DROP = 8.0  # sizes falling this many times (median of 6 before vs 6 after): a cut to black or to a still
REORDER_FRAMES = 3  # a cut's large packet is shown up to this many frames after the cut (B-frames)


@dataclass
class _Tile:
    index: int
    time: float
    before: Any = None  # K: keyframe packet at or before the time
    after: Any = None  # K': first keyframe packet after it
    choice: Any = None  # the keyframe packet shown; None: read the exact frame
    periodic: bool = False  # K' is one of the stream's regular keyframes, not one placed at a cut
    packets: list[tuple[int, int, bool]] | None = None  # (time, size, keyframe) from K to K', when looked at
    smooth: bool = False  # those sizes show no cut without a keyframe

    before_s: float = 0.0
    after_s: float = math.inf

    @property
    def nearer(self) -> Any:
        return self.after if self.after is not None and self.after_s - self.time < self.time - self.before_s else self.before


def grab_keyframes(path: Path, times: list[float], *, size: Sizer | None, tolerance: float = math.inf,
                   progress: Callable[[float], None] | None = None) -> list[Grab]:
    """One Grab per time (same order as `times`), each the keyframe or exact frame the
    rules above choose, at `size`."""
    with open_video(path) as (container, stream):
        walker = Walker(container, stream)
        walker.plain = stream_interlaced(stream)
        tiles = [_find(walker, i, max(0.0, float(t))) for i, t in sorted(enumerate(times), key=lambda p: p[1])]
        _report(progress, 0.15)
        _mark_periodic(walker, tiles)
        keys = _needed(walker, tiles)
        seen: list[Look] = []

        def small(frame: Any) -> np.ndarray:
            if not seen:
                seen.append(look_of(stream, frame))
            return to_image(frame, replace(seen[0], field_order=None), size)

        images = walker.decode_keys([keys[pts] for pts in sorted(keys)], keep=small)
        look = seen[0] if seen else None
        _report(progress, 0.6)
        shown: set[int] = set()
        for tile in tiles:
            tile.choice = _choose(walker, tile, images, tolerance)
            if tile.choice is not None and tile.choice.pts in shown:
                tile.choice = None  # another tile shows that keyframe: this one is read exactly
            if tile.choice is not None:
                shown.add(tile.choice.pts)
        got = {}
        for n, tile in enumerate(tiles):
            got[tile.index] = _read(walker, tile, images, look, size, stream)
            _report(progress, 0.6 + 0.3 * (n + 1) / len(tiles))
    return [got[i] for i in range(len(times))]


def _find(walker: Walker, index: int, seconds: float) -> _Tile:
    tile = _Tile(index, seconds, before=walker.key_before(seconds))
    if _is_key(tile.before):
        tile.before_s = walker.seconds(tile.before)
        if tile.before.pts < walker.limit(seconds):
            after = walker.key_after(seconds, max(3 * (seconds - tile.before_s), 10.0))
            if _is_key(after):
                tile.after, tile.after_s = after, walker.seconds(after)
    return tile


def _mark_periodic(walker: Walker, tiles: list[_Tile]) -> None:
    """Mark the tiles whose K and K' are as far apart as most such pairs (the encoder's
    regular keyframe interval): such a K' was not placed at a cut."""
    frame = _frame_seconds(walker)
    pairs = [t for t in tiles if t.after is not None]
    spacings = [round((t.after_s - t.before_s) / frame) for t in pairs]
    if len(spacings) < 3:
        return
    regular = max(set(spacings), key=spacings.count)
    if sum(abs(s - regular) <= 1 for s in spacings) < 0.6 * len(spacings):
        return
    for tile, spacing in zip(pairs, spacings, strict=True):
        tile.periodic = abs(spacing - regular) <= 1


def _needed(walker: Walker, tiles: list[_Tile]) -> dict[int, Any]:
    """The keyframes to decode: each tile's candidate, and the other keyframe of its pair
    when the packet sizes do not already prove the candidate."""
    keys = {t.nearer.pts: t.nearer for t in tiles if _is_key(t.before)}
    for tile in tiles:
        if not _is_key(tile.before) or tile.before.pts >= walker.limit(tile.time):
            continue
        other = tile.before if tile.nearer is tile.after else tile.after
        if other is not None and other.pts in keys:
            continue  # decoded anyway: the comparison costs nothing
        stop = tile.after_s if tile.after is not None else tile.time
        tile.packets = walker.sizes_between(tile.before, stop)
        tile.smooth = _smooth(tile.packets, tile.before)
        proven = tile.smooth and (tile.nearer is tile.before or tile.periodic)
        if not proven and other is not None:
            keys[other.pts] = other
    return keys


def _choose(walker: Walker, tile: _Tile, images: dict[int, np.ndarray], tolerance: float) -> Any:
    key, after, nearer = tile.before, tile.after, tile.nearer
    if not _is_key(key) or nearer.pts not in images:
        return None
    if key.pts >= walker.limit(tile.time):
        choice = key  # a keyframe is the frame on screen at T
    elif after is not None and key.pts in images and after.pts in images:
        if _alike(images[key.pts], images[after.pts]):
            choice = nearer  # one shot from K to K'
        elif not tile.periodic and nearer is key:
            # The cut is at K', placed there by the encoder, unless a packet between K and T
            # codes another one (an encoder may place K a few frames before a cut and code the
            # cut as a non-key I-frame, as x264 does within its minimum keyframe interval).
            choice = key if _quiet(walker, tile) else _across(walker, tile)
        else:
            choice = _across(walker, tile)
    else:
        choice = nearer if tile.smooth and (nearer is key or tile.periodic) else None
    if choice is not None and abs(walker.seconds(choice) - tile.time) > tolerance:
        return None
    return choice


def _quiet(walker: Walker, tile: _Tile) -> bool:
    """No packet shown from K to T is far larger than the GOP's usual ones (3 x their
    90th percentile): no cut coded without a keyframe lies between."""
    if tile.packets is None:
        tile.packets = walker.sizes_between(tile.before, tile.after_s)
    shown = _sizes(tile.packets, tile.before)
    if len(shown) < 6:
        return False
    ranked = sorted(s for _, s in shown)
    limit = 3 * ranked[int(0.9 * (len(ranked) - 1))]
    until = tile.time + REORDER_FRAMES * _frame_seconds(walker)
    return not any(size >= limit and walker.seconds_of(pts) <= until for pts, size in shown)


def _across(walker: Walker, tile: _Tile) -> Any:
    """K and K' differ and the cut may lie anywhere between: the nearer keyframe when a
    clear outlier packet places the cut on T's side of it, else None (read exactly)."""
    if tile.packets is None:
        tile.packets = walker.sizes_between(tile.before, tile.after_s)
    cut = _spike(walker, tile.packets, tile.before)
    if cut is None:
        return None
    if tile.nearer is tile.before and tile.time < cut - REORDER_FRAMES * _frame_seconds(walker):
        return tile.before
    if tile.nearer is tile.after and tile.time >= cut:
        return tile.after
    return None


def _read(walker: Walker, tile: _Tile, images: dict[int, np.ndarray], look: Look | None, size: Sizer | None,
          stream: Any) -> Grab:
    if tile.choice is not None and look is not None and not look.interlaced:
        return Grab(tile.time, walker.seconds(tile.choice), images[tile.choice.pts])
    seconds = walker.seconds(tile.choice) if tile.choice is not None else tile.time
    frame = walker.exact_at(seconds, walk=walker.can_walk_to(seconds, FORWARD_WINDOW_S))
    look = look or look_of(stream, frame)
    walker.plain = walker.plain or look.interlaced
    before, after = walker.neighbours(frame) if look.interlaced else (None, None)
    return Grab(tile.time, walker.seconds(frame), to_image(frame, look, size, before=before, after=after))


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(cv2.compareHist(_histogram(a), _histogram(b), cv2.HISTCMP_BHATTACHARYYA) < ALIKE)


def _histogram(image: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    counts = cv2.calcHist([hsv], [0, 1, 2], None, [16, 4, 4], [0, 180, 0, 256, 0, 256])
    return np.asarray(counts / max(float(counts.sum()), 1.0))  # L1-normalised


def _sizes(packets: list[tuple[int, int, bool]], key: Any) -> list[tuple[int, int]]:
    """(time, size) of the non-key packets after keyframe `key`, in time order."""
    start = key.dts if key.dts is not None else key.pts
    return sorted((t, size) for t, size, is_key in packets if t > start and not is_key)


def _smooth(packets: list[tuple[int, int, bool]], key: Any) -> bool:
    """No packet stands out from the others, and sizes do not drop sharply: no cut
    without a keyframe lies among them."""
    sizes = [s for _, s in _sizes(packets, key)]
    if len(sizes) < 6:
        return False
    ranked = sorted(sizes)
    if ranked[-1] > SMOOTH * ranked[int(0.9 * (len(ranked) - 1))]:
        return False
    for n in range(3, len(sizes) - 2):
        earlier, later = sizes[max(0, n - 6) : n], sizes[n : n + 6]
        if statistics.median(earlier) > DROP * max(1.0, statistics.median(later)):
            return False
    return True


def _spike(walker: Walker, packets: list[tuple[int, int, bool]], key: Any) -> float | None:
    """Seconds of a packet clearly larger than all the others (a cut coded without a
    keyframe), or None."""
    shown = _sizes(packets, key)
    if len(shown) < 6:
        return None
    ranked = sorted(s for _, s in shown)
    largest, runner_up, p90 = ranked[-1], ranked[-2], ranked[int(0.9 * (len(ranked) - 1))]
    if largest >= SPIKE * runner_up and largest >= 3 * p90:
        return walker.seconds_of(next(pts for pts, s in shown if s == largest))
    return None


def _frame_seconds(walker: Walker) -> float:
    rate = walker.stream.average_rate or walker.stream.guessed_rate
    return float(1 / rate) if rate else 0.04


def _is_key(packet: Any) -> bool:
    return packet is not None and packet.is_keyframe and packet.pts is not None


def _report(progress: Callable[[float], None] | None, value: float) -> None:
    if progress:
        progress(value)
