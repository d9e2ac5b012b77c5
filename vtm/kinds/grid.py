"""`4x4`: columns x rows, as the CLI's `--grid` and the API's `grid` option write them."""

from __future__ import annotations

import re

from vtm import parsing
from vtm.errors import InvalidInput


def parse_grid(value: object) -> tuple[int, int]:
    """`4x4` (columns x rows) as two numbers."""
    match = re.fullmatch(r"\s*([0-9]{1,4})\s*[xX×]\s*([0-9]{1,4})\s*", parsing.text("grid", value, parsing.MAX_NUMBER_TEXT))
    if not match:
        raise InvalidInput(f"grid={parsing.shown(value)}: use COLUMNSxROWS, for example 4x4.")
    return int(match.group(1)), int(match.group(2))
