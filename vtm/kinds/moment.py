"""A moment of a video as a request names it: `auto` (the best frame), seconds (`12.5`)
or a percentage of the duration (`40%`). Parsed once, from the request; its canonical
text (`12.5`, `40%`, `auto`, `0`) is what jobs store and compare; `seconds(duration)`
resolves it when the picture is made."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vtm import parsing
from vtm.errors import InvalidInput

MAX_AT_S = 10_000_000.0  # seconds; times past the end take the last frame
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")


@dataclass(frozen=True)
class Moment:
    value: float = 0.0  # seconds, or a percentage when `percent`
    percent: bool = False
    auto: bool = False

    @property
    def text(self) -> str:
        if self.auto:
            return "auto"
        return f"{_num(self.value)}%" if self.percent else _num(self.value)

    def seconds(self, duration: float | None) -> float | None:
        """Seconds into a video of `duration`, inside it; None for `auto`."""
        if self.auto:
            return None
        seconds = (duration or 0.0) * self.value / 100 if self.percent else self.value
        if duration:
            # The last frame starts a little before the end: aim inside it.
            seconds = min(seconds, max(0.0, duration - 0.001))
        return max(0.0, seconds)


FIRST = Moment()
AUTO = Moment(auto=True)


def parse_moment(name: str, value: object) -> Moment:
    """`12.5` seconds, `40%` of the duration, `auto`, or `first` (0)."""
    text = parsing.text(name, value, parsing.MAX_NUMBER_TEXT).strip().lower()
    if text in ("", "first"):
        return FIRST
    if text == "auto":
        return AUTO
    if text.endswith("%") and _NUMBER.match(text[:-1]):
        pct = float(text[:-1])
        if pct > 100:
            raise InvalidInput(f"{name}={parsing.shown(value)}: a percentage must be between 0% and 100%.")
        return Moment(pct + 0.0, percent=True)
    if _NUMBER.match(text):
        return Moment(parsing.decimal(name, text, 0, MAX_AT_S))
    raise InvalidInput(f"{name}={parsing.shown(value)}: use seconds (12.5), a percentage (40%) or auto.")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
