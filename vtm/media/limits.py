"""Limits on what is accepted, checked from the container's header before any frame is
decoded: a file that declares 60000x60000 pixels or ten days is refused with a clear
message instead of being decoded into a memory error or an obscure FFmpeg refusal.
(The service checks the probed values again after decoding the first frame.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm.errors import TooLarge
from vtm.media.decoder import open_video


@dataclass(frozen=True)
class Limits:
    max_width: int
    max_height: int
    max_duration_s: float
    max_frames: int


def check_header(path: Path, limits: Limits) -> None:
    """Raise TooLarge (code `video_too_large`) when the header declares more than `limits`."""
    with open_video(path, threads=False) as (container, stream):
        problems = over(limits, stream.codec_context.width, stream.codec_context.height, _seconds(container, stream),
                        stream.frames or None)
    if problems:
        raise TooLarge(f"It declares {'; '.join(problems)}.", code="video_too_large")


def over(limits: Limits, width: int, height: int, duration: float | None, frames: int | None) -> list[str]:
    """What exceeds `limits`, in words (empty when all is within). A side may fit either
    way round: rotation metadata can turn a landscape frame upright."""
    problems = []
    fits = (width <= limits.max_width and height <= limits.max_height) or (height <= limits.max_width and width <= limits.max_height)
    if not fits:
        problems.append(f"{width}x{height} pixels, over the limit of {limits.max_width}x{limits.max_height} (VTM_MAX_WIDTH, VTM_MAX_HEIGHT)")
    if duration and duration > limits.max_duration_s:
        problems.append(f"{duration:.0f} s, longer than the limit of {limits.max_duration_s:g} s (VTM_MAX_DURATION_S)")
    if frames and frames > limits.max_frames:
        problems.append(f"{frames} frames, over the limit of {limits.max_frames} (VTM_MAX_FRAMES)")
    return problems


def _seconds(container: Any, stream: Any) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return float(container.duration) / 1_000_000
    return None
