"""The final size of every output, worked out when it is requested, and its limits.

A side derived from the video's aspect can be far larger than the side asked for (a
64x8192 video asked for 1400 px wide is 179,200 px tall), and a grid multiplies a tile
by its rows and columns. Every request is checked here, after its options are
normalised and before a job exists (API, dashboard and CLI alike); over a limit is a
422 `output_too_large` that names the limit and the size it would have been.

    MAX_SIDE            7,680 px   each side of one picture: a thumbnail, a tile of a sheet
                                   or storyboard, a preview frame, a scene keyframe
    MAX_SHEET_SIDE     16,383 px   each side of a contact sheet or storyboard sprite (the
                                   largest WebP; JPEG and PNG allow more)
    MAX_PIXELS     58,982,400 px   any one image (7680 x 7680), under Pillow's 89.5 MP
                                   decompression-bomb warning
    MAX_PREVIEW_PIXELS 155,520,000 the frames of a preview together (300 frames of 960x540)
"""

from __future__ import annotations

import math
from typing import Any

from vtm.errors import InvalidInput
from vtm.media import tiles
from vtm.media.sheet import GAP
from vtm.media.storyboard import plan
from vtm.models import JobKind, Video

MAX_SIDE = 7680
MAX_SHEET_SIDE = 16_383
MAX_PIXELS = MAX_SIDE * MAX_SIDE
MAX_PREVIEW_PIXELS = 300 * 960 * 540
SHEET_HEADER = 80  # at most, above the tiles: two lines of text (vtm.media.sheet)


class OutputTooLarge(InvalidInput):
    code = "output_too_large"


def check(kind: JobKind, video: Video, params: dict[str, Any]) -> None:
    """Raise OutputTooLarge when the output of `params` for `video` would be over a limit."""
    if kind is JobKind.THUMBNAIL:
        _picture("The thumbnail", video, (int(params["width"]), int(params["height"])),
                 "Ask for a smaller width or height, or give both sides.")
    elif kind is JobKind.SHEET:
        tile = _tile("Each tile of the contact sheet", video, int(params["width"]))
        columns, rows = int(params["columns"]), int(params["rows"])
        size = (columns * tile[0] + (columns + 1) * GAP, rows * tile[1] + (rows + 1) * GAP + SHEET_HEADER)
        _grid("The contact sheet", size, "Use fewer rows or columns, or a smaller tile width.")
    elif kind is JobKind.STORYBOARD:
        tile = _tile("Each storyboard tile", video, int(params["width"]))
        count = len(plan(video.duration, float(params.get("every") or 0), int(params.get("count") or 0)))
        columns = min(int(params["columns"]), count)
        rows = min(int(params["rows"]), math.ceil(count / columns))
        _grid("A storyboard sprite", (columns * tile[0], rows * tile[1]), "Use fewer columns or rows, or a smaller width.")
    elif kind is JobKind.PREVIEW:
        w, h = _tile("Each preview frame", video, int(params["width"]))
        frames = int(params["moments"]) * max(1, round(float(params["seconds"]) * int(params["fps"])))
        if frames * w * h > MAX_PREVIEW_PIXELS:
            raise OutputTooLarge(f"The preview would hold {frames} frames of {w}x{h} pixels ({frames * w * h:,} in all); "
                                 f"the limit is {MAX_PREVIEW_PIXELS:,} (MAX_PREVIEW_PIXELS). Use a smaller width, fewer "
                                 "moments, shorter moments or a lower fps.")
    elif kind is JobKind.SCENES:
        _tile("Each scene keyframe", video, int(params["width"]))


def _tile(what: str, video: Video, width: int) -> tuple[int, int]:
    size = tiles.tile_size(video.width, video.height, width)
    _picture(what, video, size, "Ask for a smaller width.")
    return size


def _picture(what: str, video: Video, size: tuple[int, int], advice: str) -> None:
    w, h = size
    if max(w, h) > MAX_SIDE:
        raise OutputTooLarge(f"{what} would be {w}x{h} pixels (this video is {video.width}x{video.height}); each side may "
                             f"be at most {MAX_SIDE} pixels (MAX_SIDE). {advice}")


def _grid(what: str, size: tuple[int, int], advice: str) -> None:
    w, h = size
    if max(w, h) > MAX_SHEET_SIDE or w * h > MAX_PIXELS:
        raise OutputTooLarge(f"{what} would be {w}x{h} pixels; the limits are {MAX_SHEET_SIDE} pixels a side "
                             f"(MAX_SHEET_SIDE) and {MAX_PIXELS:,} in all (MAX_PIXELS). {advice}")
