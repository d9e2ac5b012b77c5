"""Opening a video with PyAV, behind the container allow-list, and reading frames.

All FFmpeg access of VTM goes through `open_video`: the demuxer is forced from the
sniffed container, so FFmpeg never guesses a format that could open other files.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from vtm.errors import Unsupported
from vtm.media.container import demuxer, sniff

log = logging.getLogger(__name__)
# PyAV leaves FFmpeg logging off by default; turning its Python log callback on
# (av.logging.set_level) deadlocks with frame-threaded decoding.


# Decoding threads per open file: 0 lets FFmpeg choose (frame + slice threads on every
# core: the lowest latency for one picture); 1 decodes on one core, the better
# throughput when a pool of workers already runs one job per core (see `decode_threads`).
_THREADS: ContextVar[int] = ContextVar("vtm_decode_threads", default=0)


@contextmanager
def decode_threads(count: int) -> Iterator[None]:
    """Within this block (this thread or task only), files open with `count` decoding threads."""
    token = _THREADS.set(max(0, count))
    try:
        yield
    finally:
        _THREADS.reset(token)


@contextmanager
def open_video(path: Path, *, threads: bool = True) -> Iterator[tuple[Any, Any]]:
    """(container, video stream) of `path`, closed afterwards. Raises Unsupported."""
    kind = sniff(path)
    try:
        container = av.open(str(path), format=demuxer(kind), options={"enable_drefs": "0"})
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        hint = ""
        if kind == "mp4" and isinstance(exc, av.error.InvalidDataError):
            # An MP4/MOV whose index (moov atom) never arrived: the usual cut-short upload.
            hint = "; its index (moov atom) is missing, so it was probably cut short — upload the whole file"
        raise Unsupported(f"It could not be opened as a video ({_reason(exc)}){hint}.") from None
    try:
        streams = container.streams.video
        if not streams:
            raise Unsupported("It has no video stream (audio only?).", code="no_video_stream")
        stream = streams[0]
        count = _THREADS.get()
        if threads and count != 1:
            stream.thread_type = "AUTO"
            if count > 1:
                stream.codec_context.thread_count = count
        elif count == 1:  # said, not left to FFmpeg: its 0 means slice threads on every core (VP9 used 1.2)
            stream.codec_context.thread_count = 1
        yield container, stream
    finally:
        container.close()


def decoded(container: Any, stream: Any) -> Iterator[Any]:
    """Frames of `stream` in presentation order, ending quietly at the first decode error
    after at least one frame (a file cut short ends where its data ends)."""
    got = 0
    try:
        for frame in container.decode(stream):
            got += 1
            yield frame
    except (av.error.FFmpegError, EOFError, ValueError) as exc:
        if got == 0:
            raise Unsupported(f"No frame could be decoded ({_reason(exc)}).", code="undecodable") from None
        log.debug("decoding stopped after %d frames: %s", got, exc)


def frame_time(frame: Any, stream: Any) -> float:
    if frame.pts is None:
        return 0.0
    base = frame.time_base or stream.time_base or Fraction(1, 90000)
    start = stream.start_time if stream.start_time is not None else 0
    return float((frame.pts - start) * base)


def seek(container: Any, stream: Any, seconds: float) -> bool:
    """Seek to the keyframe at or before `seconds` (relative to the stream start)."""
    base = stream.time_base or Fraction(1, 90000)
    start = stream.start_time if stream.start_time is not None else 0
    target = int(seconds / base) + start
    try:
        container.seek(max(target, start), stream=stream, backward=True, any_frame=False)
        return True
    except (av.error.FFmpegError, OverflowError, ValueError):
        return False


def display_rotation(frame: Any) -> int:
    """Degrees clockwise to turn a decoded frame upright (0, 90, 180 or 270).
    FFmpeg reports the display matrix angle counter-clockwise (-90 for most portrait
    phone videos); PyAV hands back the coded, unrotated picture."""
    try:
        angle = int(round(float(frame.rotation or 0)))
    except (AttributeError, TypeError, ValueError):
        angle = 0
    return (-angle) % 360 // 90 * 90


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "] " in text:
        text = text.split("] ", 1)[1]
    return text.split(":")[0].strip()[:120]
