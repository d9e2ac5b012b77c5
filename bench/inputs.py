"""The benchmark's input videos, generated deterministically with an ffmpeg binary and
cached in bench/cache/ (a file is reused when it exists with its recipe's name).

Encoding ten minutes of 1080p costs minutes on two cores, so a long input is a short
segment encoded once and stream-copied end to end (`-stream_loop`): the bitstream, GOP
structure and decoding cost are those of the encoder; only the picture content repeats.
The H.264 segment is 720 frames: x264's default GOPs (250, 250, then the 220 left before
the seam), and the frame at 50% lies 110 frames after its keyframe, as a typical target
would, instead of on a seam.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"


def ffmpeg_binary() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg  # the binary the imageio-ffmpeg package ships

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class Recipe:
    name: str
    label: str
    segment: list[str]  # ffmpeg arguments producing one segment from lavfi
    seconds: float  # length of the final file
    segment_seconds: float
    ext: str


def _lavfi(size: str, rate: int, seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}", "-t", f"{seconds:g}"]


def recipes(quick: bool) -> list[Recipe]:
    """The three inputs of the issue; `quick` makes small, short ones for the CI smoke."""
    if quick:
        return [
            Recipe("h264-360p-24s", "H.264 360p30 24 s", [*_lavfi("640x360", 30, 8), "-c:v", "libx264", "-preset", "veryfast"], 24, 8, "mp4"),
            Recipe("hevc-360p-4s", "HEVC 360p25 4 s", [*_lavfi("640x360", 25, 2), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=50:log-level=error"], 4, 2, "mp4"),
            Recipe("vp9-240p-4s", "VP9 240p30 4 s", [*_lavfi("426x240", 30, 4), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k"], 4, 4, "webm"),
        ]
    return [
        # x264's own default GOP (keyint 250, scenecut), B-frames and CABAC of `veryfast`.
        Recipe("h264-1080p30-10min", "H.264 1080p30 10 min", [*_lavfi("1920x1080", 30, 24), "-c:v", "libx264", "-preset", "veryfast"], 600, 24, "mp4"),
        # x265 at 4K is the slow one: one 2.4 s GOP (a common streaming GOP), looped.
        Recipe("hevc-2160p25-60s", "HEVC 4K (2160p25) 60 s", [*_lavfi("3840x2160", 25, 2.4), "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=60:log-level=error"], 60, 2.4, "mp4"),
        # libvpx's default keyframe spacing (128 frames), encoded whole.
        Recipe("vp9-720p30-60s", "VP9 720p30 60 s", [*_lavfi("1280x720", 30, 60), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-b:v", "2M"], 60, 60, "webm"),
    ]


def build(recipe: Recipe, cache: Path = CACHE) -> tuple[Path, float]:
    """The input file (generated now or reused) and the seconds spent generating it."""
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / f"{recipe.name}.{recipe.ext}"
    if final.exists():
        return final, 0.0
    ffmpeg = ffmpeg_binary()
    started = time.monotonic()
    segment = cache / f"{recipe.name}.segment.{recipe.ext}"
    _run([ffmpeg, "-v", "error", "-y", *recipe.segment, "-pix_fmt", "yuv420p", "-an", str(segment)])
    loops = max(0, round(recipe.seconds / recipe.segment_seconds) - 1)
    tmp = cache / f"{recipe.name}.tmp.{recipe.ext}"
    if loops:
        _run([ffmpeg, "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(segment), "-c", "copy", str(tmp)])
        segment.unlink()
    else:
        segment.rename(tmp)
    tmp.rename(final)
    return final, time.monotonic() - started


def upload_file(source: Path, size_mb: int, cache: Path = CACHE) -> tuple[Path, float]:
    """A valid video of about `size_mb` MB (the source stream-copied end to end), for the upload test."""
    final = cache / f"upload-{size_mb}mb.mp4"
    if final.exists():
        return final, 0.0
    started = time.monotonic()
    loops = max(0, -(-size_mb * 1024 * 1024 // source.stat().st_size) - 1)
    tmp = cache / f"upload-{size_mb}mb.tmp.mp4"
    _run([ffmpeg_binary(), "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(source), "-c", "copy", str(tmp)])
    tmp.rename(final)
    return final, time.monotonic() - started


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])}... failed: {done.stderr.strip()[-400:]}")
