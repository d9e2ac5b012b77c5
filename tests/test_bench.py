"""The benchmark's smoke run (`python -m vtm.bench --quick`): every measure runs on tiny
inputs and its outputs are checked, not its times (speed is the benchmark's business)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from vtm.bench import timing
from vtm.bench.report import Target

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_run_measures_everything_and_its_outputs_are_right(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "vtm.bench", "--quick", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]  # non-zero when an output check failed
    text = (tmp_path / "RESULTS.md").read_text()
    assert "FAILED" not in text
    # The checks the run made on what it produced (thumbnail sizes, sheet, storyboard cues, uploads, API rows).
    for check in ("engine thumbnail is a 320x180 JPEG: ok", "CLI thumbnail is a 320x180 JPEG: ok", "CLI sheet decodes: ok",
                  "CLI wrote a storyboard: ok", "uploads answered 201: ok", "100 jobs per answer: ok"):
        assert check in text
    # Every target has a measured ratio (vcsi is left out of the quick run).
    rows = [line for line in text.splitlines() if line.startswith("| ") and ("≤" in line or "≥" in line)]
    assert len(rows) == 9
    for row in rows:
        if "vcsi" not in row:
            assert re.search(r"\| [0-9.e+-]+( ms| MB|×) \|", row), row
    # Times are positive, and every contender ran the asked number of rounds.
    for median in re.findall(r"^\| [^|]+ \| ([0-9.]+) (?:ms|s) \|", text, re.M):
        assert float(median) > 0
    chart = cv2.imread(str(tmp_path / "results.png"))
    assert chart is not None and chart.shape[1] == 1000


def test_interleaved_rotates_the_order_and_counts_rounds() -> None:
    calls: list[str] = []
    stats = timing.interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert [len(s.seconds) for s in stats.values()] == [3, 3]
    assert all(s.low <= s.median <= s.high for s in stats.values())


@pytest.mark.parametrize(
    ("value", "limit", "at_most", "met", "miss"),
    [(0.5, 0.6, True, True, -1 / 6), (0.9, 0.6, True, False, 0.5), (1.8, 1.6, False, True, -0.125), (1.2, 1.6, False, False, 0.25)],
)
def test_targets_say_met_or_by_how_much_missed(value: float, limit: float, at_most: bool, met: bool, miss: float) -> None:
    target = Target("t", value, limit, at_most)
    assert target.met is met
    assert target.miss() == pytest.approx(miss)
    assert ("met" in target.line()) is met and ("missed" in target.line()) is not met
