"""Mux-compatible image URLs, as a pure mapping from Mux's query parameters to VTM's own
options (so the same picture asked either way is the same job and the same file), and
storyboard metadata in Mux's JSON shape. From Mux's "Get images from a video" and "Create
timeline hover previews" guides and its image API reference (thumbnail, animated,
storyboard endpoints).

Thumbnails, `thumbnail.{jpg,png,webp}`: `time` (seconds; default: the video's poster
time when given, else its middle), `width`, `height` (default: the video's size; one
alone keeps the aspect), `fit_mode` (only matters with both sides):
- `preserve` (default): fit inside the box, keeping the aspect: 100x100 of a 16:9
  video is 100x56 (Mux's own example); VTM: the side that binds, the other derived;
- `stretch`: exactly the box, distorted (VTM `fit=stretch`);
- `crop`: fill the box, centre crop (VTM `fit=cover`);
- `smartcrop`: fill the box, crop around the area of interest (VTM `fit=smart`);
- `pad`: the whole picture, letterboxed in black to the exact box (VTM `fit=contain`);
`rotate` 90/180/270 clockwise, applied to the frame before fitting (so `width` is the
output's width, and the default size is the turned video's); `flip_h`, `flip_v` mirror
the result last. Options at their defaults are left out, so that a plain Mux URL maps
to options VTM's POST API takes too.
Animated, `animated.{gif,webp}`: `start` (default 0), `end` (default start + 5 s; 0.25 to
10 s long; cut at the end of the video), `width` (default 320; or derived from `height`),
`height`, each at most 640 (a derived side too: the picture is fitted in 640x640), `fps`
(default 15, at most 30).
The signature parameters (`expires`, `signature`) are not options; anything else unknown
is refused, as everywhere in VTM's API.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from vtm.errors import InvalidInput
from vtm.signing import EXPIRES, SIGNATURE

MAX_SIDE = 7680
FIT_MODES = {"preserve": "cover", "stretch": "stretch", "crop": "cover", "smartcrop": "smart", "pad": "contain"}
IMAGE_FORMATS = ("jpg", "png", "webp")
ANIMATED_FORMATS = ("gif", "webp")
THUMBNAIL_PARAMS = {"time", "width", "height", "fit_mode", "rotate", "flip_v", "flip_h"}
ANIMATED_PARAMS = {"start", "end", "width", "height", "fps"}
ANIMATED_MAX_SIDE, ANIMATED_MIN_S, ANIMATED_MAX_S = 640, 0.25, 10.0


def _check(query: Mapping[str, str], known: set[str], fmt: str, formats: Sequence[str]) -> dict[str, str]:
    if fmt not in formats:
        raise InvalidInput(f"format {fmt!r}: use one of {', '.join(formats)}")
    params = {k: v for k, v in query.items() if k not in (SIGNATURE, EXPIRES)}
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidInput(f"Unknown parameter(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
    return params


def _number(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(f"{name}={value!r} is not a number") from None
    if not (math.isfinite(number) and low <= number <= high):
        raise InvalidInput(f"{name}={value!r}: it must be between {low:g} and {high:g}")
    return number


def _side(name: str, value: str | None, high: int) -> int:
    if value is None or value == "":
        return 0
    if not value.isascii() or not value.strip().isdigit():
        raise InvalidInput(f"{name}={value!r} is not a whole number of pixels")
    return int(_number(name, value, 1, high))


def _flag(name: str, value: str | None) -> bool:
    text = (value or "false").strip().lower()
    if text not in ("true", "false", "1", "0"):
        raise InvalidInput(f"{name}={value!r}: use true or false")
    return text in ("true", "1")


def _seconds(value: float) -> str:
    return f"{round(value, 3):.3f}".rstrip("0").rstrip(".")


def _derived(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int]:
    """A zero side derived from the other, keeping the aspect (vtm.media.box.box_size's formula)."""
    if width and not height:
        return width, max(1, round(width * src_h / src_w))
    if height and not width:
        return max(1, round(height * src_w / src_h)), height
    return width, height


def _fit_inside(src_w: int, src_h: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest size of the source's aspect inside the box."""
    return _derived(src_w, src_h, *((box_w, 0) if src_w * box_h >= src_h * box_w else (0, box_h)))


def thumbnail_options(query: Mapping[str, str], fmt: str, video_width: int, video_height: int,
                      default_at: str = "50%") -> dict[str, Any]:
    """VTM thumbnail options for a Mux thumbnail URL of a video shown video_width x video_height."""
    params = _check(query, THUMBNAIL_PARAMS, fmt, IMAGE_FORMATS)
    rotate_text = params.get("rotate", "0").strip()
    if rotate_text not in ("0", "90", "180", "270"):
        raise InvalidInput(f"rotate={params['rotate']!r}: use 90, 180 or 270")
    rotate = int(rotate_text)
    shown_w, shown_h = (video_height, video_width) if rotate in (90, 270) else (video_width, video_height)
    width, height = _side("width", params.get("width"), MAX_SIDE), _side("height", params.get("height"), MAX_SIDE)
    mode = params.get("fit_mode", "preserve")
    if mode not in FIT_MODES:
        raise InvalidInput(f"fit_mode={mode!r}: use one of {', '.join(FIT_MODES)}")
    fit = FIT_MODES[mode] if width and height else "cover"  # with one side or none, every mode keeps the aspect
    if not width and not height:
        width, height = shown_w, shown_h
    elif width and height and mode == "preserve":
        width, height = _fit_inside(shown_w, shown_h, width, height)
    width, height = _derived(shown_w, shown_h, width, height)
    options: dict[str, Any] = {"width": width, "height": height, "format": fmt, "fit": fit,
                               "at": _seconds(_number("time", params["time"], 0, 1e7)) if "time" in params else default_at}
    if fit == "contain":
        options["pad"] = "000000"
    if rotate:
        options["rotate"] = rotate
    for name in ("flip_h", "flip_v"):
        if _flag(name, params.get(name)):
            options[name] = True
    return options


def animated_options(query: Mapping[str, str], fmt: str, video_width: int, video_height: int,
                     duration: float | None) -> dict[str, Any]:
    """VTM preview options (one clip: start, end, width, fps, format) for a Mux animated URL."""
    params = _check(query, ANIMATED_PARAMS, fmt, ANIMATED_FORMATS)
    start = _number("start", params["start"], 0, 1e7) if "start" in params else 0.0
    end = _number("end", params["end"], 0, 1e7) if "end" in params else start + 5.0
    if duration:
        if start >= duration:
            raise InvalidInput(f"start={start:g} is past the end of the video ({duration:g} s)")
        end = min(end, duration)
    if not ANIMATED_MIN_S <= round(end - start, 6) <= ANIMATED_MAX_S:
        raise InvalidInput(f"an animation lasts {ANIMATED_MIN_S:g} to {ANIMATED_MAX_S:g} s; start={start:g} end={end:g}")
    width = _side("width", params.get("width"), ANIMATED_MAX_SIDE)
    height = _side("height", params.get("height"), ANIMATED_MAX_SIDE)
    if width and height:
        width, height = _fit_inside(video_width, video_height, width, height)
    if not width:
        width = round(height * video_width / video_height) if height else 320
    if width * video_height > ANIMATED_MAX_SIDE * video_width:  # a portrait video: the height would pass 640
        width = max(2, math.floor(ANIMATED_MAX_SIDE * video_width / video_height))
    width = min(width, ANIMATED_MAX_SIDE)
    fps = int(_number("fps", params["fps"], 1, 30)) if "fps" in params else 15
    return {"start": float(_seconds(start)), "end": float(_seconds(end)), "width": width, "fps": fps, "format": fmt}


class TileCue(Protocol):
    @property
    def start(self) -> float: ...
    @property
    def sprite(self) -> str: ...
    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def w(self) -> int: ...
    @property
    def h(self) -> int: ...


def storyboard_json(cues: Sequence[TileCue], duration: float | None,
                    sprite_url: Callable[[str], str] = lambda name: name) -> dict[str, Any]:
    """Mux's storyboard.json: `url`, `tile_width`, `tile_height`, `duration`, `tiles` of
    {start, x, y}; with several sprites, each tile also has its sprite's `url`."""
    if not cues:
        raise InvalidInput("a storyboard has at least one tile")
    sprites = {cue.sprite for cue in cues}
    tiles = [{"start": round(cue.start, 3), "x": cue.x, "y": cue.y} | ({"url": sprite_url(cue.sprite)} if len(sprites) > 1 else {})
             for cue in cues]
    return {"url": sprite_url(cues[0].sprite), "tile_width": cues[0].w, "tile_height": cues[0].h,
            "duration": round(duration, 3) if duration else None, "tiles": tiles}
