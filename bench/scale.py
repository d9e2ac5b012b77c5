"""`python -m bench --scale`: the dashboard at team size, its own section of RESULTS.md
(between two markers; the main run keeps it when it rewrites the file)."""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

from bench import report, scale_cases
from bench.media_cases import Measure
from bench.report import Target

BEGIN, END = "<!-- scale: begin -->", "<!-- scale: end -->"


def kept(results: Path) -> str:
    """The scale section of an existing RESULTS.md ("" when there is none)."""
    text = results.read_text() if results.is_file() else ""
    if BEGIN in text and END in text:
        return "\n" + text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"
    return ""


def run(results: Path, repeats: int, quick: bool, shots: Path | None) -> int:
    from vtm.media.samples import make_samples

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vtm-scale-") as tmp:
        work = Path(tmp)
        clip = make_samples(work / "clips")[0]
        measures = scale_cases.measures(work, clip, repeats, quick, shots)
    section = markdown(measures, targets_of(measures, quick), quick, time.monotonic() - started)
    text = results.read_text() if results.is_file() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)].rstrip() + "\n\n" + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    results.write_text(text)
    print(f"[bench] wrote the scale section of {results}", file=sys.stderr, flush=True)
    failed = [k for m in measures for k, v in m.checks.items() if not v]
    return 1 if failed else 0


def _median(measures: list[Measure], name: str) -> float:
    """The median of the first measure named `name`…, in a browser profile (the targets'
    way; the private window's rows are for reference)."""
    for m in measures:
        for key, stats in m.stats.items():
            if key.startswith(name) and not key.endswith(scale_cases.Windows.PRIVATE) and stats.seconds:
                return stats.median
    return math.nan


def targets_of(measures: list[Measure], quick: bool = False) -> list[Target]:
    """The scale targets, named by the sizes measured (`quick`'s are smaller)."""
    videos, jobs = scale_cases.SIZES[quick]
    server = next((m.extra for m in measures if m.section.startswith("library search")), {})
    return [
        Target("Library first page settled, 10 videos (median)", _median(measures, "Library first page, 10 ") * 1000, 1000, True, " ms"),
        Target(f"Library first page settled, {videos:,} videos (median)", _median(measures, f"Library first page, {videos:,}")
               * 1000, 1000, True, " ms"),
        Target(f"search and sort over {videos:,} videos, server time (slowest case's median)",
               server.get("search_sort_max_median_ms", math.nan), 300, True, " ms"),
        Target(f"Jobs page settled, {jobs:,} jobs (median)", _median(measures, "Jobs page") * 1000, 1000, True, " ms"),
        Target("Jobs live fragment rerun, server time, quiet queue (median)", _median(measures, "Jobs live fragment rerun (")
               * 1000, 50, True, " ms"),
        Target("Jobs live fragment rerun, server time, a job completing every ~0.1 s (median)",
               _median(measures, "Jobs live fragment rerun, jobs running") * 1000, 50, True, " ms"),
        *(Target(f"Insights page settled, {tab} tab, {jobs:,} jobs (median)", _median(measures, f"Insights page, {tab} tab")
                 * 1000, 1000, True, " ms") for tab in scale_cases.INSIGHTS_TABS),
    ]


def markdown(measures: list[Measure], targets: list[Target], quick: bool, seconds: float) -> str:
    lines = [BEGIN, "## Dashboard at scale (`python -m bench --scale`" + (" --quick: {:,} videos, {:,} jobs".format(*scale_cases.SIZES[True]) if quick else "")
             + ")", ""]
    lines += report.machine()[:3] + [f"- whole run: {seconds:.0f} s", ""]
    lines += ["| target | measured | limit | |", "|---|---|---|---|"] + [t.line() for t in targets] + [""]
    body = report.markdown(measures, [], [], quick).split("## Measures (wall time: median, min–max)", 1)[1]
    lines += ["### Measures (median, min–max)", body.strip(), END]
    return "\n".join(lines)
