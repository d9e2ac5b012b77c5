"""What a video is: size as displayed, rotation, duration, rate, frame count, codec."""

from __future__ import annotations

import math
from pathlib import Path

from vtm.errors import Unsupported
from vtm.media.container import sniff
from vtm.media.decoder import decoded, display_rotation, open_video
from vtm.models import VideoInfo


def probe(path: Path) -> VideoInfo:
    """Open `path`, decode its first frame, and describe it. Raises Unsupported with the
    reason when it is not a video VTM can make pictures from."""
    container_name = sniff(path)
    with open_video(path) as (container, stream):
        frame = next(decoded(container, stream), None)
        if frame is None:
            raise Unsupported("It has a video stream but no frame could be decoded.", code="undecodable")
        rotation = display_rotation(frame)
        width, height = frame.width, frame.height
        if width < 2 or height < 2:
            raise Unsupported(f"Its frames are {width}x{height} pixels, too small to make pictures from.")
        if rotation in (90, 270):
            width, height = height, width
        fps = _positive(float(stream.average_rate) if stream.average_rate else None)
        duration = _duration(container, stream)
        frames = stream.frames if stream.frames and stream.frames > 0 else None
        if frames is None and duration and fps:
            frames = max(1, int(round(duration * fps)))
        return VideoInfo(
            width=width,
            height=height,
            rotation=rotation,
            duration=duration,
            fps=fps,
            frame_count=frames,
            codec=codec_name(stream.codec_context.name),
            container=container_name,
            pixel_format=frame.format.name,
        )


def _duration(container: object, stream: object) -> float | None:
    if getattr(stream, "duration", None) and getattr(stream, "time_base", None):
        value = float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
        if _positive(value):
            return value
    value = getattr(container, "duration", None)
    if value:
        return _positive(value / 1_000_000)
    return None


def _positive(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or value <= 0 or value > 1e7:
        return None
    return value


# FFmpeg names some decoders after the library behind them; people know the format.
_FORMAT_OF_DECODER = {"libdav1d": "av1", "libaom-av1": "av1", "libvpx": "vp8", "libvpx-vp9": "vp9"}


def codec_name(decoder: str) -> str:
    """The format's name for a decoder's name (`libdav1d` decodes `av1`)."""
    return _FORMAT_OF_DECODER.get(decoder, decoder)
