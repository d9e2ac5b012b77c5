"""bench/RESULTS.md and bench/results.png: the measures, the ratios against the targets,
the machine and the versions."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bench.media_cases import Measure


@dataclass(frozen=True)
class Target:
    task: str
    value: float
    limit: float
    at_most: bool  # the value must be <= limit (else >=)
    unit: str = "×"

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def line(self) -> str:
        sign = "≤" if self.at_most else "≥"
        if math.isnan(self.value):
            return f"| {self.task} | n/a | {sign} {self.limit:g}{self.unit} | not measured |"
        verdict = "met" if self.met else f"**missed** by {self.miss():.0%}"
        return f"| {self.task} | {self.value:.3g}{self.unit} | {sign} {self.limit:g}{self.unit} | {verdict} |"

    def miss(self) -> float:
        return self.value / self.limit - 1 if self.at_most else 1 - self.value / self.limit


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "not installed"
    return (out.stdout or out.stderr).strip().splitlines()[0][:80] if (out.stdout or out.stderr).strip() else "?"


def machine() -> list[str]:
    import av
    import cv2

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), Linux {platform.release()}, Python {platform.python_version()}",
        f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- PyAV {av.__version__} (FFmpeg {'.'.join(map(str, av.library_versions['libavcodec']))} libavcodec), OpenCV {cv2.__version__}",
        f"- {_version(['ffmpeg', '-version'])}",
        f"- ffmpegthumbnailer: {_version(['ffmpegthumbnailer', '-v'])}",
    ]


def markdown(measures: list[Measure], targets: list[Target], notes: list[str], quick: bool) -> str:
    lines = ["# Benchmark results", "", "Written by `python -m bench`" + (" --quick (CI smoke: tiny inputs, numbers meaningless)" if quick else "") + ".", ""]
    lines += machine() + ["", "## Targets", "", "| task | measured | target | |", "|---|---|---|---|"]
    lines += [t.line() for t in targets]
    lines += ["", "## Measures (wall time: median, min–max)", ""]
    for m in measures:
        lines += [f"### {m.section}" + (f" — {m.subject}" if m.subject else ""), "", "| contender | median | min | max | runs | |", "|---|---|---|---|---|---|"]
        for s in m.stats.values():
            lines.append(f"| {s.name} | {_ms(s.median)} | {_ms(s.low)} | {_ms(s.high)} | {len(s.seconds)} | {s.note} |")
        for k, v in m.extra.items():
            lines.append(f"| {k} | {v:.1f} | | | | |")
        if m.checks:
            lines.append("")
            lines.append("Checks: " + ", ".join(f"{k}: {'ok' if v else 'FAILED'}" for k, v in m.checks.items()))
        lines.append("")
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Pillow's built-in font has no glyphs for these."""
    for a, b in (("—", "-"), ("×", "x"), ("≤", "<="), ("≥", ">="), ("`", "")):
        text = text.replace(a, b)
    return text


def chart(measures: list[Measure], targets: list[Target], path: Path) -> None:
    """Horizontal bars of median times per task (each group scaled to its slowest), VTM
    in blue, the others in grey; the targets listed below, green when met."""
    groups = [m for m in measures if m.section in ("thumbnail", "sheet 4×4", "storyboard")]
    rows = sum(len(m.stats) + 1 for m in groups) + len(targets) + 2
    width, line = 1000, 22
    image = Image.new("RGB", (width, rows * line + 20), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    y = 10
    for m in groups:
        draw.text((10, y), _plain(f"{m.section} — {m.subject}"), fill="black", font=font)
        y += line
        slowest = max(s.median for s in m.stats.values())
        for s in m.stats.values():
            length = int(440 * s.median / slowest) if slowest > 0 else 0
            colour = (40, 110, 200) if s.name.lower().startswith("vtm") else (150, 150, 150)
            draw.text((20, y + 2), _plain(s.name)[:42], fill="black", font=font)
            draw.rectangle((360, y + 3, 360 + max(1, length), y + line - 3), fill=colour)
            draw.text((366 + length, y + 2), _ms(s.median), fill="black", font=font)
            y += line
    draw.text((10, y + 4), "Targets (ratios from this run)", fill="black", font=font)
    y += line + 4
    for t in targets:
        colour = (20, 140, 60) if t.met else (200, 40, 40)
        text = f"{'met ' if t.met else 'MISS'}  {t.task}: {t.value:.3g}{t.unit} (target {'≤' if t.at_most else '≥'} {t.limit:g}{t.unit})"
        draw.text((20, y), _plain(text), fill=colour, font=font)
        y += line
    image.save(path)
