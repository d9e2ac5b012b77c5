"""What a video is: size as displayed (stored size x sample aspect ratio, then rotation),
rotation, duration (measured from the packets when the header has none), rate, frame
count, codec, HDR transfer and field order."""

from __future__ import annotations

import math
from pathlib import Path

from vtm.errors import Unsupported
from vtm.media import duration as lengths
from vtm.media.container import sniff
from vtm.media.decoder import decoded, open_video
from vtm.media.look import look_of, sar_text
from vtm.models import VideoInfo


def probe(path: Path) -> VideoInfo:
    """Open `path`, decode its first frame, and describe it. Raises Unsupported with the
    reason when it is not a video VTM can make pictures from."""
    container_name = sniff(path)
    with open_video(path) as (container, stream):
        frame = next(decoded(container, stream), None)
        if frame is None:
            raise Unsupported("It has a video stream but no frame could be decoded.", code="undecodable")
        look = look_of(stream, frame)
        if frame.width < 2 or frame.height < 2:
            raise Unsupported(f"Its frames are {frame.width}x{frame.height} pixels, too small to make pictures from.")
        width, height = look.display_size(frame.width, frame.height)
        fps = _positive(float(stream.average_rate) if stream.average_rate else None)
        duration = _duration(container, stream)
        measured = duration is None
        if measured:
            duration = _positive(lengths.measure(container, stream))
        frames = stream.frames if stream.frames and stream.frames > 0 else None
        if frames is None and duration and fps:
            frames = max(1, int(round(duration * fps)))
        return VideoInfo(
            width=width,
            height=height,
            rotation=look.rotation,
            duration=duration,
            fps=fps,
            frame_count=frames,
            codec=codec_name(stream.codec_context.name),
            container=container_name,
            pixel_format=frame.format.name,
            storage_width=frame.width,
            storage_height=frame.height,
            sample_aspect_ratio=sar_text(look.sar),
            duration_measured=measured and duration is not None,
            hdr=look.transfer,
            field_order=look.field_order,
        )


def _duration(container: object, stream: object) -> float | None:
    if getattr(stream, "duration", None) and getattr(stream, "time_base", None):
        value = float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
        if _positive(value):
            return value
    micros = getattr(container, "duration", None)
    if micros:
        return _positive(micros / 1_000_000)
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
