"""`vtm` / `python -m vtm`: VTM's outputs from the shell, no server needed.

    vtm thumbnail FILE... --size 320x180 --at auto --fit cover -o DIR
    vtm sheet FILE... --grid 4x4
    vtm storyboard FILE... --every 10
    vtm preview FILE...
    vtm scenes FILE... --csv
    vtm import FOLDER...            (adds videos to the library by reference)
    vtm doctor [--repair]           (compares the data folder with the database)
    vtm serve                       (the dashboard + API: streamlit run app.py)

Exit codes: 0 all went well, 1 some inputs failed (each named with its reason on
stderr), 2 usage error. The picture commands import neither Streamlit nor DuckDB, so
they start fast; `import` and `serve` load them when they run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vtm.progress import Bar

OK, FAILED, USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"] and not set(argv[1:2]) & {"-h", "--help"}:
        # Everything after `serve` goes to streamlit untouched (argparse would eat `--server.*`).
        return run_serve(argparse.Namespace(command="serve", streamlit_args=argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(args.run(args))
    except UsageError as exc:
        parser.error(str(exc))  # exits 2
        return USAGE
    except KeyboardInterrupt:
        print("vtm: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtm", description="VTM — Video Thumbnails Maker, from the shell.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int], files: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(run=run)
        if files:
            p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="video files or folders of them")
            p.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help="folder for the results (default: .)")
            p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        return p

    p = command("thumbnail", "One picture per video, written as DIR/<name>.<format>.", run_pictures)
    p.add_argument("--size", default="320x0", help="WxH; 0 for one side keeps the aspect (default 320x0)")
    p.add_argument("--at", default="auto", help="seconds (12.5), percent (40%%) or auto (default auto)")
    p.add_argument("--fit", default="cover", choices=["cover", "contain", "stretch"])
    p.add_argument("--pad", default="000000", help="hex colour of the bars for --fit contain")
    p.add_argument("--format", default="jpg", choices=["jpg", "png", "webp"])
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--fast", action="store_true", help="nearest keyframe instead of the exact frame")

    p = command("sheet", "A contact sheet per video, DIR/<name>.sheet.<format>.", run_pictures)
    p.add_argument("--grid", default="4x4", help="COLUMNSxROWS (default 4x4)")
    p.add_argument("--width", type=int, default=320, help="tile width in pixels (default 320)")
    p.add_argument("--exact", action="store_true", help="exact frames instead of the nearest keyframes")
    p.add_argument("--format", default="jpg", choices=["jpg", "png", "webp"])

    p = command("storyboard", "Sprites + WebVTT per video, in DIR/<name>.storyboard/.", run_pictures)
    p.add_argument("--every", type=float, default=10.0, help="seconds between tiles (default 10)")
    p.add_argument("--count", type=int, default=0, help="tiles in all, spread evenly (overrides --every)")
    p.add_argument("--width", type=int, default=160, help="tile width in pixels (default 160)")
    p.add_argument("--grid", default="10x10", help="tiles per sprite, COLUMNSxROWS (default 10x10)")
    p.add_argument("--exact", action="store_true", help="exact frames instead of the nearest keyframes")

    p = command("preview", "Animated WebP + GIF per video, DIR/<name>.preview.webp/.gif.", run_pictures)
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--moments", type=int, default=4, help="how many short moments (default 4)")
    p.add_argument("--seconds", type=float, default=1.2, help="length of each moment (default 1.2)")
    p.add_argument("--fps", type=int, default=8)

    p = command("scenes", "Scene cuts: a table (or --csv/--json) on stdout; with -o also keyframes.", run_scenes)
    p.add_argument("--threshold", type=float, default=3.0, help="how many times its neighbours' change a cut must be (default 3)")
    p.add_argument("--min-scene", type=float, default=0.5, help="shortest scene in seconds (default 0.5)")
    p.add_argument("--width", type=int, default=320, help="keyframe width in pixels, with -o (default 320)")
    p.add_argument("--csv", action="store_true", help="CSV on stdout")
    p.add_argument("--json", action="store_true", help="JSON on stdout")
    p.set_defaults(output=None)

    p = command("import", "Add local videos to the library by reference (no copy).", run_import, files=False)
    p.add_argument("folders", nargs="+", metavar="FOLDER", type=Path, help="folders (searched recursively) or files")
    p.add_argument("--api", metavar="URL", help="upload through a running server instead, e.g. http://localhost:8501")
    p.add_argument("--token", default=None, help="API token for --api (default: $VTM_API_TOKEN)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command("doctor", "Compare the data folder with the database; --repair fixes it without deleting a file.",
                run_doctor, files=False)
    p.add_argument("--repair", action="store_true",
                   help="register lost videos again, move unknown files to data/quarantine/<time>/ (never deletes)")
    p.add_argument("--json", action="store_true", help="the full report as JSON")
    p.add_argument("--api", metavar="URL", help="ask a running server instead, e.g. http://localhost:8501")
    p.add_argument("--token", default=None, help="API token for --api (default: $VTM_API_TOKEN)")

    p = command("serve", "Start the dashboard, API and workers (same as `streamlit run app.py`).", run_serve, files=False)
    p.add_argument("streamlit_args", nargs="*", metavar="STREAMLIT_OPTION", help="passed on to streamlit, e.g. --server.port 8600")
    return parser


# -- picture commands ---------------------------------------------------------------
def options_for(args: argparse.Namespace) -> dict[str, Any]:
    """The job options a picture command asks for (checked by vtm.params)."""
    cmd = args.command
    if cmd == "thumbnail":
        width, height = _size(args.size)
        return {"width": width, "height": height, "at": args.at, "fit": args.fit, "pad": args.pad,
                "format": args.format, "quality": args.quality, "fast": args.fast}
    if cmd == "sheet":
        return {"grid": args.grid, "width": args.width, "fast": not args.exact, "format": args.format}
    if cmd == "storyboard":
        columns, rows = _grid(args.grid)
        return {"every": args.every, "count": args.count, "width": args.width, "columns": columns, "rows": rows,
                "fast": not args.exact}
    if cmd == "preview":
        return {"width": args.width, "moments": args.moments, "seconds": args.seconds, "fps": args.fps}
    return {"threshold": args.threshold, "min_scene": args.min_scene, "width": args.width}


def run_pictures(args: argparse.Namespace) -> int:
    from vtm.cli_outputs import make_output, normalise

    options = options_for(args)
    _check(normalise, args.command, options)  # a bad option is a usage error, before any work
    args.output.mkdir(parents=True, exist_ok=True)
    failures = 0
    files = expand(args.files)
    bar = Bar(len(files), enabled=not args.quiet)
    for n, path in enumerate(files):
        bar.start(n, path.name)
        try:
            written = make_output(args.command, path, options, args.output, bar.part)
        except Exception as exc:  # noqa: BLE001 - each input's reason is reported, the rest go on
            failures += 1
            bar.clear()
            print(f"vtm: {path}: {_reason(exc)}", file=sys.stderr)
            continue
        bar.clear()
        for out in written:
            print(out)
    bar.done()
    return FAILED if failures else OK


def run_scenes(args: argparse.Namespace) -> int:
    from vtm.cli_outputs import normalise, print_scenes, scenes_of

    options = options_for(args)
    _check(normalise, "scenes", options)
    failures = 0
    results = []
    files = expand(args.files)
    bar = Bar(len(files), enabled=not args.quiet)
    for n, path in enumerate(files):
        bar.start(n, path.name)
        try:
            results.append((path, scenes_of(path, options, args.output, bar.part)))
        except Exception as exc:  # noqa: BLE001
            failures += 1
            bar.clear()
            print(f"vtm: {path}: {_reason(exc)}", file=sys.stderr)
    bar.done()
    print_scenes(results, "csv" if args.csv else "json" if args.json else "table")
    return FAILED if failures else OK


def run_import(args: argparse.Namespace) -> int:
    from vtm.cli_library import run_import as run

    return run(args)


def run_doctor(args: argparse.Namespace) -> int:
    from vtm.cli_doctor import run_doctor as run

    return run(args)


def run_serve(args: argparse.Namespace) -> int:
    from vtm.cli_library import run_serve as run

    return run(args)


def expand(targets: list[Path]) -> list[Path]:
    """Files as given; folders replaced by the video files in them (recursively, sorted)."""
    from vtm.files import VIDEO_EXTENSIONS

    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS)
        else:
            found.append(target)
    return found


def _check(normalise: Callable[..., Any], command: str, options: dict[str, Any]) -> None:
    from vtm.errors import VtmError

    try:
        normalise(command, None, options)
    except VtmError as exc:
        raise UsageError(exc.message) from None


def _size(text: str) -> tuple[int, int]:
    parts = text.lower().replace("×", "x").split("x")
    try:
        if len(parts) == 1:
            return int(parts[0]), 0
        if len(parts) == 2:
            return int(parts[0] or 0), int(parts[1] or 0)
    except ValueError:
        pass
    raise UsageError(f"--size {text!r}: use WIDTHxHEIGHT, e.g. 320x180 (0 keeps the aspect: 320x0).")


def _grid(text: str) -> tuple[int, int]:
    from vtm.kinds.grid import parse_grid

    try:
        return parse_grid(text)
    except Exception as exc:
        raise UsageError(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(message)


if __name__ == "__main__":
    sys.exit(main())
