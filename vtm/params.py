"""Checking and normalising the options of each job kind.

A request's options become one canonical dict: the same picture asked twice, in any
spelling, gives the same dict and therefore the same job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vtm import output_limits, parsing
from vtm.errors import InvalidInput
from vtm.media.render import FITS, FORMATS, box_size
from vtm.models import JobKind, Video
from vtm.output_limits import MAX_SIDE

MAX_AT_S = 10_000_000.0  # seconds; times past the end take the last frame
THUMBNAIL_DEFAULTS: dict[str, Any] = {"at": "0", "fit": "cover", "format": "jpg", "quality": 85, "pad": "000000", "fast": False}
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_at(value: Any) -> str:
    """`12.5` seconds, `40%` of the duration, or `auto`; normalised to a string."""
    text = parsing.text("at", value, parsing.MAX_NUMBER_TEXT).strip().lower() if value is not None else "0"
    if text in ("", "first"):
        return "0"
    if text == "auto":
        return "auto"
    if text.endswith("%") and _NUMBER.match(text[:-1]):
        pct = float(text[:-1])
        if pct > 100:
            raise InvalidInput(f"at={parsing.shown(value)}: a percentage must be between 0% and 100%.")
        return f"{_num(pct)}%"
    if _NUMBER.match(text):
        return _num(parsing.decimal("at", text, 0, MAX_AT_S))
    raise InvalidInput(f"at={parsing.shown(value)}: use seconds (12.5), a percentage (40%) or auto.")


def parse_side(name: str, value: Any) -> int:
    if value is None or value == "":
        return 0
    return parsing.whole(name, value, 0, MAX_SIDE)  # pixels; 0 keeps the aspect


def thumbnail(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    allowed = {"width", "height", *THUMBNAIL_DEFAULTS}
    _reject_unknown(options, allowed)
    width = parse_side("width", options.get("width"))
    height = parse_side("height", options.get("height"))
    if not width and not height:
        raise InvalidInput("Give a width, a height, or both (0 for one of them keeps the aspect).")
    width, height = box_size(video.width, video.height, width, height)
    fit = str(options.get("fit") or "cover").lower()
    if fit not in FITS:
        raise InvalidInput(f"fit={parsing.shown(fit)}: use one of {', '.join(FITS)}.")
    fmt = str(options.get("format") or "jpg").lower().replace("jpeg", "jpg")
    if fmt not in FORMATS:
        raise InvalidInput(f"format={parsing.shown(fmt)}: use one of {', '.join(FORMATS)}.")
    quality = _int_in("quality", options.get("quality", 85), 1, 100)
    pad = str(options.get("pad") or "000000").lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", pad):
        raise InvalidInput(f"pad={parsing.shown(pad)}: use a hex colour such as 000000 or ffffff.")
    fast = _bool("fast", options.get("fast", False))
    return {
        "width": width,
        "height": height,
        "at": parse_at(options.get("at", "0")),
        "fit": fit,
        "format": fmt,
        "quality": quality,
        "pad": pad,
        "fast": fast,
    }


SHEET_DEFAULTS: dict[str, Any] = {"columns": 4, "rows": 4, "width": 320, "fast": True, "format": "jpg", "quality": 85}
STORYBOARD_DEFAULTS: dict[str, Any] = {"every": 10.0, "count": 0, "width": 160, "columns": 10, "rows": 10, "fast": True, "quality": 75}
PREVIEW_DEFAULTS: dict[str, Any] = {"width": 320, "moments": 4, "seconds": 1.2, "fps": 8, "quality": 70}
SCENES_DEFAULTS: dict[str, Any] = {"threshold": 3.0, "min_scene": 0.5, "width": 320}
MAX_PREVIEW_FRAMES = 300


def parse_grid(value: Any) -> tuple[int, int]:
    """`4x4` (columns x rows) as two numbers."""
    match = re.fullmatch(r"\s*([0-9]{1,4})\s*[xX×]\s*([0-9]{1,4})\s*", parsing.text("grid", value, parsing.MAX_NUMBER_TEXT))
    if not match:
        raise InvalidInput(f"grid={parsing.shown(value)}: use COLUMNSxROWS, for example 4x4.")
    return int(match.group(1)), int(match.group(2))


def sheet(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    """A contact sheet: `columns` x `rows` tiles (or `grid`="4x4"), each `width` px wide."""
    _reject_unknown(options, {"grid", *SHEET_DEFAULTS})
    opts = {**SHEET_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    if "grid" in options and options["grid"] is not None:
        opts["columns"], opts["rows"] = parse_grid(options["grid"])
    fmt = str(opts["format"]).lower().replace("jpeg", "jpg")
    if fmt not in FORMATS:
        raise InvalidInput(f"format={parsing.shown(fmt)}: use one of {', '.join(FORMATS)}.")
    return {
        "columns": _int_in("columns", opts["columns"], 1, 12),
        "rows": _int_in("rows", opts["rows"], 1, 20),
        "width": _int_in("width", opts["width"], 32, 1280),
        "fast": _bool("fast", opts["fast"]),
        "format": fmt,
        "quality": _int_in("quality", opts["quality"], 1, 100),
    }


def storyboard(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    """Tiles every `every` seconds, or `count` tiles in all (count wins when given)."""
    _reject_unknown(options, set(STORYBOARD_DEFAULTS))
    opts = {**STORYBOARD_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    count = _int_in("count", opts["count"], 0, 1000)
    every = 0.0 if count else _float_in("every", opts["every"], 0.1, 3600)
    return {
        "every": every,
        "count": count,
        "width": _int_in("width", opts["width"], 32, 640),
        "columns": _int_in("columns", opts["columns"], 1, 30),
        "rows": _int_in("rows", opts["rows"], 1, 30),
        "fast": _bool("fast", opts["fast"]),
        "quality": _int_in("quality", opts["quality"], 1, 100),
    }


def preview(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    """`moments` clips of `seconds` each at `fps`, `width` px wide, as WebP and GIF."""
    _reject_unknown(options, set(PREVIEW_DEFAULTS))
    opts = {**PREVIEW_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    out = {
        "width": _int_in("width", opts["width"], 32, 960),
        "moments": _int_in("moments", opts["moments"], 1, 12),
        "seconds": _float_in("seconds", opts["seconds"], 0.2, 10),
        "fps": _int_in("fps", opts["fps"], 1, 30),
        "quality": _int_in("quality", opts["quality"], 1, 100),
    }
    frames = out["moments"] * round(out["seconds"] * out["fps"])
    if frames > MAX_PREVIEW_FRAMES:
        raise InvalidInput(f"That preview would have {frames} frames; keep moments x seconds x fps under {MAX_PREVIEW_FRAMES}.")
    return out


def scenes(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    """Cut detection: a frame `threshold` times more different than its neighbours starts
    a scene at least `min_scene` seconds after the last; keyframes `width` px wide."""
    _reject_unknown(options, set(SCENES_DEFAULTS))
    opts = {**SCENES_DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    return {
        "threshold": _float_in("threshold", opts["threshold"], 1.1, 50),
        "min_scene": _float_in("min_scene", opts["min_scene"], 0, 600),
        "width": _int_in("width", opts["width"], 32, 1280),
    }


def test_hook(video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    """The kinds that crash, hang or hog on purpose (service allows them only with
    VTM_TEST_HOOKS=1): `seconds` to hang, `mb` to hog."""
    _reject_unknown(options, {"seconds", "mb"})
    return {name: _float_in(name, value, 0, 100_000) for name, value in options.items()}


NORMALISERS = {JobKind.THUMBNAIL: thumbnail, JobKind.SHEET: sheet, JobKind.STORYBOARD: storyboard,
               JobKind.PREVIEW: preview, JobKind.SCENES: scenes,
               JobKind.CRASH: test_hook, JobKind.HANG: test_hook, JobKind.HOG: test_hook}
DEFAULTS = {JobKind.THUMBNAIL: THUMBNAIL_DEFAULTS, JobKind.SHEET: SHEET_DEFAULTS, JobKind.STORYBOARD: STORYBOARD_DEFAULTS,
            JobKind.PREVIEW: PREVIEW_DEFAULTS, JobKind.SCENES: SCENES_DEFAULTS}


# The JSON type of each option, from its default; `at` is a time in seconds or a text.
_JSON_TYPES: dict[type, tuple[type, ...]] = {bool: (bool,), int: (int,), float: (int, float), str: (str,)}
_JSON_EXTRA: dict[str, tuple[type, ...]] = {"width": (int,), "height": (int,), "at": (str, int, float), "grid": (str,)}
_JSON_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def check_json_types(kind: JobKind, options: Mapping[str, Any]) -> None:
    """Options that came as JSON must have their JSON type: `"columns": "4"` or
    `"columns": 4.5` is refused (422), not read as a number. `null` means the default."""
    expected = {**{k: _JSON_TYPES[type(v)] for k, v in DEFAULTS.get(kind, {}).items()}, **_JSON_EXTRA}
    for name, value in options.items():
        types = expected.get(name)
        if value is None or types is None:  # unknown names are refused by normalise, with the list of known ones
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(_JSON_NAMES[t] for t in types)
            given = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer"}
            raise InvalidInput(f"{name}={parsing.shown(value)}: send {wanted}, not {given.get(type(value), 'a number')}.")


def normalise(kind: JobKind, video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise InvalidInput(f"kind={parsing.shown(kind)} is not available.") from None
    normalised = normaliser(video, options)
    output_limits.check(kind, video, normalised)  # the final size, both sides and all pixels
    return normalised


def _reject_unknown(options: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(str(name) for name in set(options) - allowed)
    if unknown:
        names = parsing.shown(", ".join(unknown), 80).strip("'")
        raise InvalidInput(f"Unknown option(s): {names}. Known: {', '.join(sorted(allowed))}.")


def _int_in(name: str, value: Any, low: int, high: int) -> int:
    return parsing.whole(name, value, low, high)


def _float_in(name: str, value: Any, low: float, high: float) -> float:
    return round(parsing.decimal(name, value, low, high), 3) + 0.0


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise InvalidInput(f"{name}={parsing.shown(value)}: use true or false.")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
