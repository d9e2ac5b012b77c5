"""Parsing what clients send, within bounds: every number, text and JSON body a request
carries goes through here, so a 5000-digit integer, `1e999`, `NaN`, a 30,000-deep JSON
array or a megabyte-long string is a 4xx with a short message, never a 500 (Python's
`int()` refuses more than 4300 digits with a ValueError, `json` recurses until
RecursionError, `float('9' * 400)` is `inf`).

    whole(name, value, low, high)      an int from an int or ASCII digits (at most 18)
    decimal(name, value, low, high)    a finite float from a number or a short decimal text
    text(name, value, limit)           a string of at most `limit` characters
    json_body(raw, max_depth)          a JSON document: no NaN/Infinity, bounded depth and numbers
    shown(value)                       a value quoted for a message, cut short
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from vtm.errors import BadRequest, InvalidInput

MAX_DIGITS = 18  # below 2**63: every id, size and count VTM stores fits
MAX_NUMBER_TEXT = 32  # `12.500`, `-0.25`, `1e3`: never longer than this
MAX_TEXT = 256  # an option, a search, an event id
MAX_DEPTH = 8  # {"kind": ..., "options": {...}} needs 2
_WHOLE = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def shown(value: Any, limit: int = 40) -> str:
    """`value` quoted for an error message, at most about `limit` characters."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_DIGITS:
        return f"a {'negative ' if value < 0 else ''}number of about {int(abs(value).bit_length() * 0.30103) + 1} digits"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def whole(name: str, value: Any, low: int, high: int) -> int:
    """A whole number between `low` and `high`: a JSON integer or ASCII digits (an
    optional sign, no spaces inside, no `1_000`, no other scripts' digits)."""
    if isinstance(value, (bool, float)):
        raise InvalidInput(f"{name}={shown(value)} is not a whole number.")
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        if not _WHOLE.fullmatch(raw):
            raise InvalidInput(f"{name}={shown(value)} is not a whole number between {low} and {high}.")
        number = int(raw)
    if not low <= number <= high:
        raise InvalidInput(f"{name}={shown(number)}: it must be between {low} and {high}.")
    return number


def decimal(name: str, value: Any, low: float, high: float) -> float:
    """A finite number between `low` and `high` (never NaN, infinity or -0.0)."""
    if isinstance(value, bool):
        raise InvalidInput(f"{name}={shown(value)} is not a number.")
    if isinstance(value, int):
        if not -(10**MAX_DIGITS) < value < 10**MAX_DIGITS:
            raise InvalidInput(f"{name}={shown(value)}: it must be between {_num(low)} and {_num(high)}.")
        number = float(value)
    elif isinstance(value, float):
        number = value
    else:
        raw = str(value).strip()
        if len(raw) > MAX_NUMBER_TEXT or not _DECIMAL.fullmatch(raw):
            raise InvalidInput(f"{name}={shown(value)} is not a number between {_num(low)} and {_num(high)}.")
        number = float(raw)
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidInput(f"{name}={shown(value)}: it must be a number between {_num(low)} and {_num(high)}.")
    return number + 0.0  # -0.0 -> 0.0: the same request is the same job


def text(name: str, value: Any, limit: int = MAX_TEXT) -> str:
    raw = str(value)
    if len(raw) > limit:
        raise InvalidInput(f"{name} is {len(raw)} characters long; at most {limit} are accepted.")
    return raw


def json_body(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document in `raw` (UTF-8). Refused (400) when it is not JSON, nested
    deeper than `max_depth`, or holds NaN/Infinity or numbers of more than 18 digits."""
    try:
        document = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The body is not UTF-8 JSON.") from None
    depth = _depth(document)
    if depth > max_depth:
        raise BadRequest(f"The JSON body is nested {depth} levels deep; at most {max_depth} are accepted.")
    try:
        return json.loads(document, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The body is not JSON ({exc.msg} at character {exc.pos}).") from None


def _depth(document: str) -> int:
    """How deeply `[` and `{` nest outside strings (before parsing: json recurses)."""
    deepest = level = 0
    in_string = escaped = False
    for ch in document:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            level += 1
            deepest = max(deepest, level)
        elif ch in "]}":
            level -= 1
    return deepest


def _json_int(raw: str) -> int:
    if len(raw.lstrip("-")) > MAX_DIGITS:
        raise InvalidInput(f"The number {shown(raw)} has {len(raw.lstrip('-'))} digits; at most {MAX_DIGITS} are accepted.")
    return int(raw)


def _json_float(raw: str) -> float:
    number = float(raw) if len(raw) <= MAX_NUMBER_TEXT else math.inf
    if not math.isfinite(number):
        raise InvalidInput(f"The number {shown(raw)} is too large or too long.")
    return number


def _json_constant(raw: str) -> float:
    raise InvalidInput(f"{raw} is not a number JSON allows; send a finite number.")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
