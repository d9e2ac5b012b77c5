"""`python -m bench [--quick]` (or `python bench/run.py`): generate (or reuse) the inputs, measure everything
side by side in one run, write RESULTS.md and results.png."""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/run.py`: `bench` and `vtm` from this checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import (  # noqa: E402
    cli_cases,
    duplicate_cases,
    image_url_cases,
    inputs,
    media_cases,
    report,
    rule_cases,
    scale,
    scenes_accuracy,
    service_cases,
    wire,
)
from bench.media_cases import ENGINE, FFMPEG_NOKEY, FFMPEG_SS, KEYFRAMES, VCSI, Measure  # noqa: E402
from bench.report import Target  # noqa: E402
from bench.timing import Stats, self_check  # noqa: E402
from bench.tools import vtm_command  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny inputs and few repeats: a smoke test (CI)")
    parser.add_argument("--repeats", type=int, default=0, help="timed rounds per measure (default 5, quick 1)")
    parser.add_argument("--out", type=Path, default=None, help="folder for RESULTS.md and results.png (default bench/, quick: bench/cache/quick/)")
    parser.add_argument("--no-server", action="store_true", help="skip the upload and API measures")
    parser.add_argument("--scenedetect-python", help="a python with PySceneDetect, to compare scene boundaries with it")
    parser.add_argument("--self-check", action="store_true", help="check the timing and target logic and the wire relay, measure nothing")
    parser.add_argument("--scale", action="store_true",
                        help="only the dashboard at scale (100,000 videos, 1,000,000 jobs, headless Chromium; minutes): "
                             "writes its section of RESULTS.md")
    parser.add_argument("--screenshots", type=Path, default=None, help="with --scale: save the pages' screenshots here")
    args = parser.parse_args(argv)
    if args.self_check:
        self_check()
        wire.self_check()
        _say("self-check: ok")
        return 0
    quick = args.quick
    repeats = args.repeats or (1 if quick else 5)
    out = args.out or (inputs.CACHE / "quick" if quick else inputs.ROOT / "bench")
    out.mkdir(parents=True, exist_ok=True)
    if args.scale:
        return scale.run(out / "RESULTS.md", repeats, quick, args.screenshots)
    started = time.monotonic()
    notes: list[str] = []

    files = []
    for recipe in inputs.recipes(quick):
        path, seconds = inputs.build(recipe)
        files.append((path, recipe.label))
        notes.append(f"input {recipe.label}: {path.stat().st_size / 1e6:.0f} MB, " + (f"generated in {seconds:.1f} s" if seconds else "cached"))
        _say(f"input {recipe.label} ready")
    upload, seconds = inputs.upload_file(files[0][0], 16 if quick else 1024)
    notes.append(f"upload input: {upload.stat().st_size / 1e6:.0f} MB, " + (f"made in {seconds:.1f} s" if seconds else "cached"))

    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="vtm-bench-") as tmp:
        work = Path(tmp)
        for path, label in files:
            measures.append(media_cases.thumbnail(path, label, work, repeats))
            _say(f"thumbnail {label} done")
        lean_source, lean_label = files[0]
        measures.append(cli_cases.lean_thumbnail(lean_source, lean_label, media_cases.duration_of(lean_source), work,
                                                 3 if quick else 11))
        measures.append(cli_cases.help_time(3 if quick else 11))
        _say("lean CLI and --help done")
        long_path, long_label = files[0]
        measures.append(media_cases.sheet(long_path, long_label, work, repeats, with_vcsi=not quick))
        _say("sheet done")
        measures.append(media_cases.storyboard(long_path, long_label, work, repeats))
        _say("storyboard done")
        if quick:  # their inputs take minutes to encode; the rules themselves are tested in tests/
            notes.append("rule costs and scene accuracy: not measured in a --quick run\n")
        else:
            measures += rule_cases.measures(long_path, long_label, work / "rules", repeats)
            _say("rule costs done")
            notes += scenes_accuracy.lines(args.scenedetect_python)
            _say("scene accuracy done")
        cores = os.cpu_count() or 1
        queue_source = files[2][0] if not quick else files[0][0]
        jobs = 20 if quick else 200
        # Interleaved rounds (1 worker, then N, again…), as the CLI rows: one round of each swung
        # from 1.68x to 1.99x between runs on this shared machine.
        rounds = 1 if quick else 3
        took: dict[int, list[float]] = {w: [] for w in sorted({1, cores})}
        for _ in range(rounds):
            for workers in took:
                rate, seconds = service_cases.queue(queue_source, work, jobs, workers)
                took[workers].append(seconds)
                _say(f"queue {workers} worker(s): {rate:.1f} jobs/s")
        queue_stats = {f"{w} worker(s)": Stats(f"{w} worker(s)", s, f"{jobs / statistics.median(s):.1f} jobs/s (median)")
                       for w, s in took.items()}
        measures.append(Measure("queue", f"{jobs} exact thumbnails of {files[2][1] if not quick else files[0][1]}, "
                                f"{rounds} interleaved round(s)", queue_stats,
                                extra={"scaling_ratio": statistics.median(took[1]) / statistics.median(took[cores])
                                       if cores > 1 else 1.0}))
        if not quick and _ray_installed():
            measures.append(cluster_measure(100))
            _say("cluster done")
        measures.append(duplicate_cases.measure(work, 100 if quick else 1000, 1.0 if quick else 10.0, repeats))
        _say("duplicate search done")
        if not args.no_server:
            measures += service_cases.server_measures(upload, files[0][0], work, repeats, 2000 if quick else 100_000, 30 if quick else 200)
            _say("upload and API done")
            measures.append(image_url_cases.image_urls(lean_source, lean_label, media_cases.duration_of(lean_source), work,
                                                       1 if quick else 9, 50 if quick else 300))
            _say("image URLs done")

    targets = targets_of(measures, os.cpu_count() or 1)
    notes.append(f"whole run: {time.monotonic() - started:.0f} s")
    (out / "RESULTS.md").write_text(report.markdown(measures, targets, notes, quick) + scale.kept(out / "RESULTS.md"))
    report.chart(measures, targets, out / "results.png")
    _say(f"wrote {out / 'RESULTS.md'} and {out / 'results.png'} in {time.monotonic() - started:.0f} s")
    failed = [k for m in measures for k, v in m.checks.items() if not v]
    if failed:
        _say("checks FAILED: " + "; ".join(failed))
        return 1
    return 0


def _median(measures: list[Measure], section: str, name: str, subject: str = "") -> float:
    for m in measures:
        if m.section == section and m.subject.startswith(subject) and name in m.stats:
            return m.stats[name].median
    return math.nan


def targets_of(measures: list[Measure], cores: int) -> list[Target]:
    cli = vtm_command()[1]
    first = next((m.subject for m in measures if m.section == "thumbnail"), "")
    extra = {m.section: m.extra for m in measures}
    ss = _median(measures, "thumbnail", FFMPEG_SS, first)
    upload = extra.get("upload", {})
    up_stats = next((m.stats for m in measures if m.section == "upload"), {})
    up_ratio = math.nan
    if up_stats:
        up, cp = (s.median for s in up_stats.values())
        up_ratio = cp / up
    lean = extra.get("vtm thumbnail vs ffmpeg -ss", {})
    return [
        Target(f"exact thumbnail, engine in-process vs `ffmpeg -ss` ({first})", _median(measures, "thumbnail", ENGINE, first) / ss, 0.6, True),
        Target("`vtm thumbnail` whole process vs `ffmpeg -ss`, exact 320×180 (median of interleaved runs)",
               lean.get("ratio of medians", math.nan), 1.0, True),
        Target("`vtm --help`, whole process (median)", _median(measures, "vtm --help", cli_cases.HELP) * 1000, 100, True, " ms"),
        Target(f"exact thumbnail, `vtm` CLI whole process vs `ffmpeg -ss` ({first})", _median(measures, "thumbnail", cli, first) / ss, 1.2, True),
        Target("sheet 4×4, `vtm` CLI vs vcsi", _median(measures, "sheet 4×4", cli) / _median(measures, "sheet 4×4", VCSI), 0.15, True),
        Target("storyboard 60 tiles, `vtm` CLI vs `ffmpeg -skip_frame nokey` one pass",
               _median(measures, "storyboard", cli) / _median(measures, "storyboard", FFMPEG_NOKEY), 0.5, True),
        Target("storyboard in-process vs keyframe-only lower bound",
               _median(measures, "storyboard", ENGINE) / _median(measures, "storyboard", KEYFRAMES), 1.5, True),
        Target(f"queue scaling, {cores} workers vs 1 (target 0.85 × {cores})", extra.get("queue", {}).get("scaling_ratio", math.nan), 0.85 * cores, False),
        Target("upload throughput vs `cp`", up_ratio, 0.5, False),
        *([Target("Ray per-job overhead over local (one job alone, 1 node vs 1 process)",
                  extra["cluster"]["ray_overhead_ms"], 20, True, " ms")] if "cluster" in extra else []),
        Target("upload, server peak RSS growth", upload.get("rss_growth_mb", math.nan), 100, True, " MB"),
        Target("image URL, first request vs `vtm thumbnail` whole process, exact 320×180 (ratio of medians)",
               extra.get("image URL", {}).get("first vs CLI (ratio of medians)", math.nan), 1.2, True),
        Target("image URL, cached request p50", extra.get("image URL", {}).get("cached p50 ms", math.nan), 10, True, " ms"),
        Target("`GET /api/jobs?limit=100` p95 at 100k jobs", extra.get("API", {}).get("p95_ms", math.nan), 50, True, " ms"),
        Target("duplicate search, stored pairs of the library (median)", extra.get("duplicates", {}).get("read_ms", math.nan),
               1000, True, " ms"),
    ]


def _ray_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("ray") is not None


def cluster_measure(jobs: int) -> Measure:
    """Thumbnails per second, local vs Ray with one and two 1-CPU worker nodes on this
    machine (bench/cluster.py), and Ray's per-job overhead."""
    from bench import cluster

    rows = cluster.measure_all(jobs)
    stats = {label: Stats(label, [alone], f"{rate:.1f} jobs/s; {alone * 1000:.1f} ms per job alone")
             for label, rate, alone in rows}
    extra = {f"jobs/s, {label}": rate for label, rate, _ in rows}
    extra["ray_overhead_ms"] = cluster.overhead_s(rows) * 1000
    return Measure("cluster", f"{jobs} thumbnails 320×180 of a 640×360 H.264 clip (one job alone: the times)", stats,
                   extra=extra)


def _say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
