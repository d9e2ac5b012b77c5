"""The picture commands: `vtm thumbnail|sheet|storyboard|preview FILE...` write each
file's output into -o DIR; `vtm scenes FILE...` prints the scenes (and with -o writes
their keyframes). Options are checked before any work (a bad one is a usage error);
then each input either succeeds or is named on stderr with its reason."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vtm import kinds
from vtm.cli.errors import FAILED, OK, UsageError, reason
from vtm.cli.flags import options_from
from vtm.cli.inputs import expand
from vtm.cli.progress import Bar
from vtm.cli.scenes_table import print_scenes
from vtm.errors import VtmError
from vtm.models import JobKind
from vtm.service import local


def checked_options(args: argparse.Namespace) -> tuple[JobKind, dict[str, object]]:
    kind = kinds.get(JobKind(args.command))
    options = options_from(args, kind)
    try:
        local.check(kind.name, options)  # a bad option is a usage error, before any work
    except VtmError as exc:
        raise UsageError(exc.message) from None
    return kind.name, options


def run_pictures(args: argparse.Namespace) -> int:
    kind, options = checked_options(args)
    args.output.mkdir(parents=True, exist_ok=True)
    failures = 0
    files = expand(args.files, local.EXTENSIONS)
    bar = Bar(len(files), enabled=not args.quiet)
    for n, path in enumerate(files):
        bar.start(n, path.name)
        try:
            written = local.make_output(kind, path, options, args.output, bar.part)
        except Exception as exc:  # noqa: BLE001 - each input's reason is reported, the rest go on
            failures += 1
            bar.clear()
            print(f"vtm: {path}: {reason(exc)}", file=sys.stderr)
            continue
        bar.clear()
        for out in written:
            print(out)
    bar.done()
    return FAILED if failures else OK


def run_scenes(args: argparse.Namespace) -> int:
    _, options = checked_options(args)
    failures = 0
    results: list[tuple[Path, list[dict[str, object]]]] = []
    files = expand(args.files, local.EXTENSIONS)
    bar = Bar(len(files), enabled=not args.quiet)
    for n, path in enumerate(files):
        bar.start(n, path.name)
        try:
            results.append((path, local.scenes_of(path, options, args.output, bar.part)))
        except Exception as exc:  # noqa: BLE001
            failures += 1
            bar.clear()
            print(f"vtm: {path}: {reason(exc)}", file=sys.stderr)
    bar.done()
    print_scenes(results, "csv" if args.csv else "json" if args.json else "table")
    return FAILED if failures else OK
