"""The final size of every output, worked out when it is requested, and its limits.

A side derived from the video's aspect can be far larger than the side asked for (a
64x8192 video asked for 1400 px wide is 179,200 px tall), and a grid multiplies a tile
by its rows and columns. Every request is checked by its kind's `check_size`
(with these helpers), after its options are parsed and before a job exists (API,
dashboard and CLI alike); over a limit is a 422 `output_too_large` that names the limit
and the size it would have been.

    MAX_SIDE            7,680 px   each side of one picture: a thumbnail, a tile of a sheet
                                   or storyboard, a preview frame, a scene keyframe
    MAX_SHEET_SIDE     16,383 px   each side of a contact sheet or storyboard sprite (the
                                   largest WebP; JPEG and PNG allow more)
    MAX_PIXELS     58,982,400 px   any one image (7680 x 7680), under Pillow's 89.5 MP
                                   decompression-bomb warning
    MAX_PREVIEW_PIXELS 155,520,000 the frames of a preview together (300 frames of 960x540)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vtm.errors import InvalidInput

if TYPE_CHECKING:
    from vtm.kinds.options import VideoShape

MAX_SIDE = 7680
MAX_SHEET_SIDE = 16_383
MAX_PIXELS = MAX_SIDE * MAX_SIDE
MAX_PREVIEW_PIXELS = 300 * 960 * 540
SHEET_HEADER = 80  # at most, above the tiles: two lines of text (vtm.media.sheet)


class OutputTooLarge(InvalidInput):
    code = "output_too_large"


def tile(what: str, video: VideoShape, width: int) -> tuple[int, int]:
    """The size of a tile `width` wide of `video`, checked against MAX_SIDE."""
    from vtm.media.tiles import tile_size

    size = tile_size(video.width, video.height, width)
    picture(what, video, size, "Ask for a smaller width.")
    return size


def picture(what: str, video: VideoShape, size: tuple[int, int], advice: str) -> None:
    w, h = size
    if max(w, h) > MAX_SIDE:
        raise OutputTooLarge(f"{what} would be {w}x{h} pixels (this video is {video.width}x{video.height}); each side may "
                             f"be at most {MAX_SIDE} pixels (MAX_SIDE). {advice}")


def grid(what: str, size: tuple[int, int], advice: str) -> None:
    w, h = size
    if max(w, h) > MAX_SHEET_SIDE or w * h > MAX_PIXELS:
        raise OutputTooLarge(f"{what} would be {w}x{h} pixels; the limits are {MAX_SHEET_SIDE} pixels a side "
                             f"(MAX_SHEET_SIDE) and {MAX_PIXELS:,} in all (MAX_PIXELS). {advice}")


def frames(what: str, count: int, size: tuple[int, int], advice: str) -> None:
    w, h = size
    if count * w * h > MAX_PREVIEW_PIXELS:
        raise OutputTooLarge(f"{what} would hold {count} frames of {w}x{h} pixels ({count * w * h:,} in all); "
                             f"the limit is {MAX_PREVIEW_PIXELS:,} (MAX_PREVIEW_PIXELS). {advice}")
