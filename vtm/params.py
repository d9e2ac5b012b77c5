"""Checking and normalising the options of each job kind.

A request's options become one canonical dict: the same picture asked twice, in any
spelling, gives the same dict and therefore the same job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vtm.errors import InvalidInput
from vtm.media.render import FITS, FORMATS, box_size
from vtm.models import JobKind, Video

MAX_SIDE = 7680
THUMBNAIL_DEFAULTS: dict[str, Any] = {"at": "0", "fit": "cover", "format": "jpg", "quality": 85, "pad": "000000", "fast": False}
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def parse_at(value: Any) -> str:
    """`12.5` seconds, `40%` of the duration, or `auto`; normalised to a string."""
    text = str(value).strip().lower() if value is not None else "0"
    if text in ("", "first"):
        return "0"
    if text == "auto":
        return "auto"
    if text.endswith("%") and _NUMBER.match(text[:-1]):
        pct = float(text[:-1])
        if pct > 100:
            raise InvalidInput(f"at={value!r}: a percentage must be between 0% and 100%.")
        return f"{_num(pct)}%"
    if _NUMBER.match(text):
        return _num(float(text))
    raise InvalidInput(f"at={value!r}: use seconds (12.5), a percentage (40%) or auto.")


def parse_side(name: str, value: Any) -> int:
    if value is None or value == "":
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{name}={value!r} is not a whole number of pixels.") from None
    if not 0 <= number <= MAX_SIDE:
        raise InvalidInput(f"{name}={number}: it must be between 0 and {MAX_SIDE} pixels (0 keeps the aspect).")
    return number


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
        raise InvalidInput(f"fit={fit!r}: use one of {', '.join(FITS)}.")
    fmt = str(options.get("format") or "jpg").lower().replace("jpeg", "jpg")
    if fmt not in FORMATS:
        raise InvalidInput(f"format={fmt!r}: use one of {', '.join(FORMATS)}.")
    quality = _int_in("quality", options.get("quality", 85), 1, 100)
    pad = str(options.get("pad") or "000000").lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", pad):
        raise InvalidInput(f"pad={pad!r}: use a hex colour such as 000000 or ffffff.")
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


NORMALISERS = {JobKind.THUMBNAIL: thumbnail}


def normalise(kind: JobKind, video: Video, options: Mapping[str, Any]) -> dict[str, Any]:
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise InvalidInput(f"kind={kind!r} is not available.") from None
    return normaliser(video, options)


def _reject_unknown(options: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise InvalidInput(f"Unknown option(s): {', '.join(unknown)}. Known: {', '.join(sorted(allowed))}.")


def _int_in(name: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise InvalidInput(f"{name}={value!r} is not a whole number.") from None
    if not low <= number <= high:
        raise InvalidInput(f"{name}={number}: it must be between {low} and {high}.")
    return number


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise InvalidInput(f"{name}={value!r}: use true or false.")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
