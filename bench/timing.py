"""Interleaved, repeated timing: every contender runs once per round, the order rotating
between rounds, so that a slow moment of a shared machine hits them all alike."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Stats:
    name: str
    seconds: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def low(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    @property
    def high(self) -> float:
        return max(self.seconds) if self.seconds else float("nan")


def interleaved(contenders: dict[str, Callable[[], object]], repeats: int, warmup: int | None = None) -> dict[str, Stats]:
    """Median/min/max wall time of each contender over `repeats` rounds (after `warmup`
    untimed rounds that also fill the page cache; one unless it is a smoke run)."""
    names = list(contenders)
    if warmup is None:
        warmup = 1 if repeats >= 3 else 0
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    stats = {name: Stats(name) for name in names}
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            contenders[name]()
            stats[name].seconds.append(time.perf_counter() - started)
    return stats


def command(cmd: list[str], env: dict[str, str] | None = None) -> Callable[[], None]:
    """A contender that runs `cmd` as a whole process and fails loudly if it fails."""

    def run() -> None:
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")

    return run


def commands(cmds: list[list[str]]) -> Callable[[], None]:
    runs = [command(c) for c in cmds]

    def run() -> None:
        for one in runs:
            one()

    return run


def self_check() -> None:
    """The timing and target logic checked on itself (`python -m bench --self-check`)."""
    from bench.report import Target

    calls: list[str] = []
    stats = interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"], calls  # one warm-up round, then the order rotates
    assert [len(s.seconds) for s in stats.values()] == [3, 3]
    assert all(s.low <= s.median <= s.high for s in stats.values())
    for value, limit, at_most, met, miss in [(0.5, 0.6, True, True, -1 / 6), (0.9, 0.6, True, False, 0.5),
                                             (1.8, 1.6, False, True, -0.125), (1.2, 1.6, False, False, 0.25)]:
        target = Target("t", value, limit, at_most)
        assert target.met is met and abs(target.miss() - miss) < 1e-9, target
        assert ("met" in target.line()) is met and ("missed" in target.line()) is not met
    _scale_targets_read_the_profile()


def _scale_targets_read_the_profile() -> None:
    """The scale run's targets take a page's figure in a browser profile, never the private
    window's row beside it (listed first here, to be sure the name alone does not pick it)."""
    from bench import scale, scale_cases
    from bench.media_cases import Measure

    name = "Jobs page, 1,000,000 jobs"
    pages = Measure("dashboard at scale", "", {name + scale_cases.Windows.PRIVATE: Stats("private", [1.4]),
                                                name: Stats("profile", [0.9])})
    jobs = next(t for t in scale.targets_of([pages]) if t.task.startswith("Jobs page"))
    assert abs(jobs.value - 900) < 1e-9, jobs
