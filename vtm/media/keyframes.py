"""Fast tiles that stay true to the shot (storyboards, contact sheets, `auto` candidates).

The tile for a time T is a keyframe at most half a GOP from T, and only one from the
shot on screen at T:
1. K, the keyframe at or before T, and K', the first one after T, are found by seeking
   (index lookups), not by decoding.
2. K is nearer (or as near): it is the tile unless a cut lies between K and T, which
   the packet sizes show without decoding (a cut without a keyframe is coded as one
   large packet, a cut to black or to a still as a sudden drop; a cut with a keyframe
   would have been K). With a cut, the exact frame at T is read instead.
3. K' is nearer: K and K' are both decoded; if they look alike (colour histograms) no
   cut lies between them and K' is the tile. If they differ, K' is the tile only when
   the packet sizes place the cut at or before T; otherwise the cut is at K' (encoders
   put keyframes at cuts) or unknown, K' is across it, and the exact frame at T is read.
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
SPIKE = 4.0  # a packet this many times the median size codes a cut without a keyframe...
SPIKE_OF_KEY = 0.3  # ...when it is also this big next to the keyframe
DROP = 8.0  # sizes falling this many times (median of 6 before vs 6 after): a cut to black or to a still
REORDER_FRAMES = 3  # a cut's large packet is shown up to this many frames after the cut (B-frames)


@dataclass
class _Tile:
    index: int
    time: float
    before: Any = None  # K: keyframe packet at or before the time
    after: Any = None  # K': first keyframe packet after it
    choice: Any = None  # the keyframe packet shown; None: read the exact frame


def grab_keyframes(path: Path, times: list[float], *, size: Sizer | None, tolerance: float = math.inf,
                   progress: Callable[[float], None] | None = None) -> list[Grab]:
    """One Grab per time (same order as `times`), each the keyframe or exact frame the
    rules above choose, at `size`."""
    with open_video(path) as (container, stream):
        walker = Walker(container, stream)
        walker.plain = stream_interlaced(stream)
        tiles = [_find(walker, i, max(0.0, float(t))) for i, t in sorted(enumerate(times), key=lambda p: p[1])]
        _report(progress, 0.15)
        keys = {p.pts: p for t in tiles for p in (t.before, t.after) if _is_key(p)}
        frames = walker.decode_keys([keys[pts] for pts in sorted(keys)])
        _report(progress, 0.6)
        look = look_of(stream, next(iter(frames.values()))) if frames else None
        plain = replace(look, field_order=None) if look else None
        images = {pts: to_image(f, plain, size) for pts, f in frames.items()} if plain else {}
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
    if _is_key(tile.before) and tile.before.pts < walker.limit(seconds):
        distance = seconds - walker.seconds(tile.before)
        after = walker.key_after(seconds, max(3 * distance, 10.0))
        if _is_key(after) and walker.seconds(after) - seconds < distance:
            tile.after = after  # nearer than K: a candidate, decoded with K
    return tile


def _choose(walker: Walker, tile: _Tile, images: dict[int, np.ndarray], tolerance: float) -> Any:
    key, after = tile.before, tile.after
    if not _is_key(key) or key.pts not in images:
        return None
    margin = REORDER_FRAMES * _frame_seconds(walker)
    if key.pts >= walker.limit(tile.time):
        choice = key  # a keyframe is the frame on screen at T
    elif after is None or after.pts not in images:
        cut = _cut(walker, walker.packets_between(key, tile.time + margin), key)
        choice = key if cut is None or cut > tile.time + margin else None
    elif _alike(images[key.pts], images[after.pts]):
        choice = after  # one shot from K to K'
    else:
        cut = _cut(walker, walker.packets_between(key, walker.seconds(after)), key)
        choice = after if cut is not None and cut <= tile.time else None
    if choice is not None and abs(walker.seconds(choice) - tile.time) > tolerance:
        return None
    return choice


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
    return cv2.normalize(counts, None, 1, 0, cv2.NORM_L1)


def _cut(walker: Walker, packets: list[Any], key: Any) -> float | None:
    """Seconds of the first cut the packet sizes show after keyframe `key` (None: none)."""
    shown = sorted((p.pts, p.size) for p in packets if p.pts is not None and p.pts > key.pts and not p.is_keyframe)
    if len(shown) < 3:
        return None
    sizes = [s for _, s in shown]
    median = statistics.median(sizes)
    for n, (pts, size) in enumerate(shown):
        if size >= SPIKE * median and size >= SPIKE_OF_KEY * key.size:
            return walker.seconds_of(pts)
        earlier, later = sizes[max(0, n - 6) : n], sizes[n : n + 6]
        if len(earlier) >= 3 and len(later) >= 3 and statistics.median(earlier) > DROP * max(1.0, statistics.median(later)):
            return walker.seconds_of(pts)
    return None


def _frame_seconds(walker: Walker) -> float:
    rate = walker.stream.average_rate or walker.stream.guessed_rate
    return float(1 / rate) if rate else 0.04


def _is_key(packet: Any) -> bool:
    return packet is not None and packet.is_keyframe and packet.pts is not None


def _report(progress: Callable[[float], None] | None, value: float) -> None:
    if progress:
        progress(value)
