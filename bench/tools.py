"""The contenders: command lines of ffmpeg, ffmpegthumbnailer, vcsi and the `vtm` CLI,
and VTM's engine called in-process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.inputs import CACHE, ffmpeg_binary

VCSI_VERSION = "7.0.17"
VCSI_VENV = CACHE / "vcsi-venv"


def vtm_command() -> tuple[list[str], str]:
    """How to run the `vtm` CLI as a whole process (quiet: no progress bar), and a label."""
    return [sys.executable, "-m", "vtm"], "vtm CLI (whole process)"


def vtm_args(kind: str, source: Path, out: Path, *options: str) -> list[str]:
    return [*vtm_command()[0], kind, "-q", str(source), *options, "-o", str(out)]


def ffmpeg_thumbnail(source: Path, seconds: float, out: Path) -> list[str]:
    return [ffmpeg_binary(), "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(source),
            "-frames:v", "1", "-vf", "scale=320:180", str(out)]


def ffmpegthumbnailer(source: Path, out: Path) -> list[str] | None:
    found = shutil.which("ffmpegthumbnailer")
    if not found:
        return None
    return [found, "-i", str(source), "-o", str(out), "-s", "320", "-t", "50%", "-q", "8"]


def ffmpeg_storyboard(source: Path, out: Path, every: float, count: int) -> list[str]:
    """One pass decoding keyframes only, one frame every `every` seconds, tiled."""
    columns = 10
    rows = -(-count // columns)
    return [ffmpeg_binary(), "-v", "error", "-y", "-skip_frame", "nokey", "-i", str(source),
            "-vf", f"fps=1/{every:g},scale=160:90,tile={columns}x{rows}", "-frames:v", "1", str(out)]


def vcsi_binary(install: bool = True) -> str | None:
    """vcsi on PATH, or in its own venv under bench/cache (it pins numpy/pillow versions
    that clash with VTM's, so it never goes into VTM's environment)."""
    found = shutil.which("vcsi")
    if found:
        return found
    binary = VCSI_VENV / "bin" / "vcsi"
    if binary.exists():
        return str(binary)
    if not install:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VCSI_VENV)], check=True, capture_output=True)
        subprocess.run([str(VCSI_VENV / "bin" / "pip"), "install", "-q", f"vcsi=={VCSI_VERSION}"], check=True,
                       capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError):
        return None
    return str(binary) if binary.exists() else None


def vcsi_sheet(binary: str, source: Path, out: Path) -> list[str]:
    return [binary, str(source), "-g", "4x4", "-w", "1280", "-t", "-o", str(out)]
