"""The benchmark (`python -m bench`, outside the package), run as a user runs it: its
smoke run measures everything on tiny inputs and checks its outputs, not its times
(speed is the benchmark's business); its self-check tests its timing and target logic.
The tests import nothing from it but the scene scoring of bench/scenes_accuracy.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_timing_and_target_logic_checks_itself() -> None:
    for command in ([sys.executable, "-m", "bench", "--self-check"], [sys.executable, "bench/run.py", "--self-check"]):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "self-check: ok" in done.stderr, done.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.timeout(450)  # the subprocess has its own limit of 400 s
def test_quick_run_measures_everything_and_its_outputs_are_right(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]  # non-zero when an output check failed
    text = (tmp_path / "RESULTS.md").read_text()
    assert "FAILED" not in text
    # The checks the run made on what it produced (thumbnail sizes, sheet, storyboard cues, uploads, API rows).
    for check in ("engine thumbnail is a 320x180 JPEG: ok", "CLI thumbnail is a 320x180 JPEG: ok", "CLI sheet decodes: ok",
                  "CLI wrote a storyboard: ok", "uploads answered 201: ok", "100 jobs per answer: ok",
                  "lean CLI thumbnail is a 320x180 JPEG: ok", "the first request answers 200 with the picture: ok",
                  "a cached request answers 200 with the same ETag: ok",
                  "every planted copy found, nothing else (5 pairs): ok"):
        assert check in text
    # Every target has a measured ratio (vcsi is left out of the quick run).
    rows = [line for line in text.splitlines() if line.startswith("| ") and ("≤" in line or "≥" in line)]
    assert len(rows) == 14
    for row in rows:
        if "vcsi" not in row:
            assert re.search(r"\| [0-9.e+-]+( ms| MB|×) \|", row), row
    # Times are positive, and the interleaved CLI row has min, median and max.
    for median in re.findall(r"^\| [^|]+ \| ([0-9.]+) (?:ms|s) \|", text, re.M):
        assert float(median) > 0
    assert "### vtm thumbnail vs ffmpeg -ss" in text and "ratio of medians" in text
    chart = cv2.imread(str(tmp_path / "results.png"))
    assert chart is not None and chart.shape[1] == 1000
