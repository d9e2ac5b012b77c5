"""Deinterlacing the frames VTM keeps from an interlaced stream: FFmpeg's `bwdif`
(`mode=send_frame`, field order from each frame) run through PyAV's filter graph on
the frame with its neighbours, so the missing lines of each field are rebuilt from the
field itself and the frames before and after it, as `ffmpeg -vf bwdif` does on the
whole stream. Without a neighbour (the first or last frame of a read) the frame itself
stands in for it, as bwdif does at the ends of a stream.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import av.filter

FILTER = "bwdif"
OPTIONS = "mode=send_frame:parity=auto:deint=all"


def deinterlace(frame: Any, before: Any = None, after: Any = None) -> Any:
    """`frame` with its two fields woven into one progressive picture."""
    base = frame.time_base or Fraction(1, 90000)
    graph = av.filter.Graph()
    source = graph.add_buffer(width=frame.width, height=frame.height, format=frame.format.name, time_base=base)
    bwdif = graph.add(FILTER, OPTIONS)
    sink = graph.add("buffersink")
    source.link_to(bwdif)
    bwdif.link_to(sink)
    graph.configure()
    sequence = [f for f in (before, frame, after) if f is not None]
    wanted = sequence.index(frame)
    for n, item in enumerate(sequence):
        kept_pts, kept_base = item.pts, item.time_base
        item.pts, item.time_base = n, base  # strictly increasing for the filter, whatever the stream had
        try:
            graph.push(item)
        finally:
            item.pts = kept_pts
            if kept_base is not None:
                item.time_base = kept_base
    graph.push(None)
    out = []
    while True:
        try:
            out.append(graph.pull())
        except (av.error.BlockingIOError, av.error.EOFError):
            break
    if len(out) != len(sequence):
        return frame  # the filter kept some back: show the frame as decoded rather than guess
    result = out[wanted]
    result.pts = frame.pts
    if frame.time_base is not None:
        result.time_base = frame.time_base
    return result
