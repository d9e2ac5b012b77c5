"""Storyboards for scrub previews (Mux / Jellyfin trickplay style): one small frame every
N seconds (or N frames in all), tiled into JPEG sprite sheets, and a WebVTT file whose
cues point at a rectangle of a sprite with a `#xywh=x,y,w,h` fragment.

Frames are keyframes by default (`fast`): a storyboard is for scrubbing, and a frame up
to one GOP early costs nothing to the eye while keyframe-only decoding is many times
faster; `fast=false` reads the exact frames.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm.media import render, tiles
from vtm.models import VideoInfo

VTT_NAME = "storyboard.vtt"
MAX_TILES = 1000


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    sprite: str  # the URL or file name before `#`
    x: int
    y: int
    w: int
    h: int


def plan(duration: float | None, every: float = 0.0, count: int = 0) -> list[float]:
    """Start times of the tiles: every `every` seconds, or `count` spread evenly. The
    last cue runs to the end; a remainder shorter than half a step is part of it (30.003 s
    every 2 s: 15 cues, the last 2.003 s long, not a 16th of 3 ms)."""
    if not duration or duration <= 0:
        return [0.0]
    if count:
        step = duration / count
    else:
        step = max(every, duration / MAX_TILES)
    times: list[float] = []
    t = 0.0
    while t < duration - 1e-6 and len(times) < MAX_TILES:
        times.append(round(t, 3))
        t += step
    if len(times) > 1 and duration - times[-1] < step / 2:
        times.pop()  # a last piece shorter than half a step joins the cue before it
    return times or [0.0]


def sprite_name(index: int) -> str:
    return f"storyboard-{index}.jpg"


def make_storyboard(path: Path, info: VideoInfo, params: dict[str, Any], *, url_prefix: str = "",
                    progress: Callable[[float], None] | None = None) -> dict[str, bytes]:
    """{file name: bytes}: the WebVTT (`storyboard.vtt`) and its sprites. Cue URLs are
    `url_prefix` + sprite name (relative names when the prefix is empty)."""
    starts = plan(info.duration, float(params.get("every") or 0), int(params.get("count") or 0))
    size, images = tile_images(path, info, params, starts, progress)
    columns, rows = int(params["columns"]), int(params["rows"])
    per_sprite = columns * rows
    files: dict[str, bytes] = {}
    cues: list[Cue] = []
    end_of_video = info.duration or starts[-1] + 1.0
    for first in range(0, len(images), per_sprite):
        index = first // per_sprite
        batch = images[first : first + per_sprite]
        width_cols = min(columns, len(batch))
        files[sprite_name(index)] = render.encode(tiles.grid(batch, width_cols), "jpg",
                                                  int(params.get("quality", 75)))
        for n in range(len(batch)):
            i = first + n
            r, c = divmod(n, width_cols)
            end = starts[i + 1] if i + 1 < len(starts) else max(end_of_video, starts[i] + 0.001)
            cues.append(Cue(starts[i], end, url_prefix + sprite_name(index), c * size[0], r * size[1], *size))
    files[VTT_NAME] = to_vtt(cues).encode()
    if progress:
        progress(1.0)
    return files


def tile_images(path: Path, info: VideoInfo, params: dict[str, Any], starts: list[float],
                progress: Callable[[float], None] | None = None) -> tuple[tuple[int, int], list[Any]]:
    """The tiles at `starts`: `width` wide in the video's aspect, or (with `height`) cropped
    to width x height, at the centre (`fit` cover) or around what is salient in all the
    tiles together (`fit` smart: one box for every tile, so the crop never jumps)."""
    from vtm.media import smartcrop

    width, height = int(params["width"]), int(params.get("height") or 0)
    fast = bool(params.get("fast", True))
    if not height:
        size = tiles.tile_size(info.width, info.height, width)
        return size, [g.image for g in tiles.grab_tiles(path, starts, size=size, fast=fast, progress=progress)]
    scale = max(width / info.width, height / info.height)
    grabbed = (max(width, round(info.width * scale)), max(height, round(info.height * scale)))
    images = [g.image for g in tiles.grab_tiles(path, starts, size=grabbed, fast=fast, progress=progress)]
    if params.get("fit") == "smart":
        box = smartcrop.sequence_box(images, width, height)
    else:
        cw, ch = smartcrop.crop_size(*grabbed, width, height)
        box = smartcrop.Box((grabbed[0] - cw) // 2, (grabbed[1] - ch) // 2, cw, ch)
    return (width, height), [smartcrop.smart_fit(image, width, height, box) for image in images]


def vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_vtt(cues: list[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for cue in cues:
        lines += [f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}", f"{cue.sprite}#xywh={cue.x},{cue.y},{cue.w},{cue.h}", ""]
    return "\n".join(lines)


_TIME = r"(\d+):(\d{2}):(\d{2})\.(\d{3})"
_CUE = re.compile(rf"^{_TIME} --> {_TIME}\s*\n([^\n#]+)#xywh=(\d+),(\d+),(\d+),(\d+)\s*$", re.M)


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a storyboard WebVTT (as written by `to_vtt`, or by Mux/Jellyfin)."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ValueError("not a WebVTT file (no WEBVTT header)")
    cues = []
    for m in _CUE.finditer(text):
        g = m.groups()
        start = int(g[0]) * 3600 + int(g[1]) * 60 + int(g[2]) + int(g[3]) / 1000
        end = int(g[4]) * 3600 + int(g[5]) * 60 + int(g[6]) + int(g[7]) / 1000
        cues.append(Cue(start, end, g[8].strip(), int(g[9]), int(g[10]), int(g[11]), int(g[12])))
    return cues
