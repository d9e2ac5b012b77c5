"""The lean CLI path: `vtm thumbnail` as a whole process (interpreter start, imports,
probe, seek, decode, scale, encode, write) against `ffmpeg -ss` for the same exact
320x180 frame, run alternately (vtm, ffmpeg, vtm, ffmpeg, …) so that a busy moment of a
shared machine hits both; and how long `vtm --help` takes."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import tools
from bench.media_cases import FFMPEG_SS, Measure, image_ok
from bench.timing import command, interleaved

LEAN_AT_S = 304.0  # 110 frames after a keyframe of the 10-minute input: a seek plus a real decode
HELP = "vtm --help (whole process)"


def lean_thumbnail(source: Path, label: str, duration: float | None, work: Path, rounds: int) -> Measure:
    seconds = LEAN_AT_S if duration and duration > LEAN_AT_S + 1 else round((duration or 2.0) * 0.5, 3)
    out = work / f"lean-{source.stem}"
    out.mkdir(parents=True, exist_ok=True)
    vtm_label = tools.vtm_command()[1]
    contenders = {
        vtm_label: command(tools.vtm_args("thumbnail", source, out / "cli", "--size", "320x180", "--at", f"{seconds:g}")),
        FFMPEG_SS: command(tools.ffmpeg_thumbnail(source, seconds, out / "ffmpeg.jpg")),
    }
    stats = interleaved(contenders, rounds, warmup=1)
    cli_files = sorted((out / "cli").rglob("*.jpg"))
    checks = {"lean CLI thumbnail is a 320x180 JPEG": bool(cli_files) and image_ok(cli_files[0], (320, 180))}
    measure = Measure("vtm thumbnail vs ffmpeg -ss", f"{label}, exact 320×180 at {seconds:g} s", stats, checks)
    vtm, ffmpeg = stats[vtm_label], stats[FFMPEG_SS]
    measure.extra.update({"ratio of medians": vtm.median / ffmpeg.median, "ratio of minimums": vtm.low / ffmpeg.low,
                          "ratio of maximums": vtm.high / ffmpeg.high})
    return measure


def help_time(rounds: int) -> Measure:
    stats = interleaved({HELP: command([sys.executable, "-m", "vtm", "--help"])}, rounds, warmup=1)
    return Measure("vtm --help", "", stats)
