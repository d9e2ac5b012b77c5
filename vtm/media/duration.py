"""The length of a video whose header does not say (a WebM written live by a browser's
MediaRecorder or a screen recorder, a Matroska written to a pipe): measured by reading
packets, not decoding them. From near the end when the demuxer can seek there (one
index lookup, or a scan in C), else from the start (about 3 µs a packet: 10 ms for two
minutes at 30 fps)."""

from __future__ import annotations

import logging
from fractions import Fraction
from typing import Any

import av

log = logging.getLogger(__name__)
ERRORS = (av.error.FFmpegError, EOFError, ValueError, OverflowError)
FAR_AWAY = 2**53  # a timestamp past the end of any stream


def measure(container: Any, stream: Any) -> float | None:
    """Seconds from the first frame to the end of the last one, or None when no packet
    carries a timestamp. Leaves the container positioned anywhere: seek before reading."""
    base = stream.time_base or Fraction(1, 90000)
    start = stream.start_time if stream.start_time is not None else None
    end = None
    try:
        container.seek(FAR_AWAY, stream=stream, backward=True)
        end, _ = _last_end(container, stream)
    except ERRORS as exc:
        log.debug("seeking to the end failed (%s); reading from the start", exc)
    if end is None:
        try:
            container.seek(0, backward=True)
        except ERRORS:
            pass
        end, first = _last_end(container, stream)
        start = first if start is None else start
    if end is None or start is None:
        return None
    seconds = float((end - start) * base)
    return seconds if seconds > 0 else None


def _last_end(container: Any, stream: Any) -> tuple[int | None, int | None]:
    """(largest pts + duration, smallest pts) of the packets from here to the end."""
    end = first = None
    step = _frame_ticks(stream)
    try:
        for packet in container.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            stop = packet.pts + (packet.duration or step)
            end = stop if end is None else max(end, stop)
            first = packet.pts if first is None else min(first, packet.pts)
    except ERRORS as exc:
        log.debug("reading packets stopped: %s", exc)
    return end, first


def _frame_ticks(stream: Any) -> int:
    """One frame in stream ticks (for a last packet that does not say how long it lasts)."""
    rate = stream.average_rate or stream.guessed_rate
    base = stream.time_base
    if not rate or not base or rate <= 0:
        return 0
    return max(0, int(round(1 / (rate * base))))
