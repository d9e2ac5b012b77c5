"""The size of an output box: a 0 side derived from the other, keeping the aspect.
Pure arithmetic (no NumPy): the kinds work sizes out at request time with it."""

from __future__ import annotations


def box_size(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int]:
    """The output size: a 0 side is derived from the other keeping the source aspect."""
    if width and height:
        return width, height
    if width:
        return width, max(1, round(width * src_h / src_w))
    if height:
        return max(1, round(height * src_w / src_h)), height
    return src_w, src_h
