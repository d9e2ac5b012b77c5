"""The CLI commands that need the library: `vtm import` and `vtm serve`. These load the
store (DuckDB) or Streamlit, so the picture commands never import this module.

`vtm import` adds files by reference: the videos table records their absolute path with
`imported=True`; nothing is copied (only the poster frame is written to the data
folder), and deleting such a video from VTM leaves the file where it is. When the server
holds the data folder, it says so in one line and how to go through the server's API
instead (`--api URL`, which uploads: a copy the server owns).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vtm.cli.errors import FAILED, OK
from vtm.cli.inputs import expand
from vtm.cli.progress import Bar
from vtm.cli.upload import upload


def run_import(args: argparse.Namespace) -> int:
    paths = _video_files(args.folders)
    missing = [p for p in args.folders if not p.exists()]
    for path in missing:
        print(f"vtm: {path}: no such file or folder", file=sys.stderr)
    if not paths:
        print("vtm: no video files found (looked for " + ", ".join(_extensions()) + ")", file=sys.stderr)
        return FAILED
    if args.api:
        return _import_via_api(args.api, args.token or os.environ.get("VTM_API_TOKEN", ""), paths, args.quiet)
    return _import_local(paths, args.quiet) or (FAILED if missing else OK)


def _extensions() -> tuple[str, ...]:
    from vtm.service import local

    return local.EXTENSIONS


def _video_files(targets: list[Path]) -> list[Path]:
    return [p for p in expand(targets, _extensions()) if p.is_file()]


def _import_local(paths: list[Path], quiet: bool) -> int:
    from vtm import assembly
    from vtm.config import Settings
    from vtm.errors import StoreLocked, VtmError

    try:
        # Decoding runs in this process: these are the user's own files, and a crash
        # only ends this command.
        settings = Settings.from_env(isolation="thread")
        rt = assembly.build(settings, start_workers=False)
    except StoreLocked as exc:
        print(f"vtm: {exc.message} To import through the running server: "
              f"vtm import FOLDER --api http://localhost:8501 (uploads a copy).", file=sys.stderr)
        return 1
    except VtmError as exc:  # a data folder that cannot be used: one line, no traceback
        print(f"vtm: {exc.message}", file=sys.stderr)
        return 1
    failures = 0
    bar = Bar(len(paths), enabled=not quiet)
    try:
        for n, path in enumerate(paths):
            bar.start(n, path.name)
            try:
                video = rt.service.import_file(path)
            except VtmError as exc:
                bar.clear()
                if exc.code == "already_imported":
                    print(f"skipped {path}: {exc.message}")
                    continue
                failures += 1
                print(f"vtm: {path}: {exc.message}", file=sys.stderr)
                continue
            except OSError as exc:
                failures += 1
                bar.clear()
                print(f"vtm: {path}: {exc.strerror or exc}", file=sys.stderr)
                continue
            bar.clear()
            print(f"added {path} as video {video.id} ({video.width}x{video.height}, by reference)")
    finally:
        bar.done()
        rt.close()
    return 1 if failures else 0


def _import_via_api(base: str, token: str, paths: list[Path], quiet: bool) -> int:
    failures = 0
    bar = Bar(len(paths), enabled=not quiet)
    for n, path in enumerate(paths):
        bar.start(n, path.name)
        try:
            status, body = upload(base, token, path, bar.part)
        except OSError as exc:
            bar.done()
            print(f"vtm: cannot reach {base}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        bar.clear()
        if status == 201 and isinstance(body, dict):
            print(f"uploaded {path} as video {body.get('id')}")
        else:
            failures += 1
            message = body.get("error", {}).get("message") if isinstance(body, dict) else None
            print(f"vtm: {path}: HTTP {status}: {message or body}", file=sys.stderr)
    bar.done()
    return 1 if failures else 0


def run_serve(args: argparse.Namespace) -> int:
    """Replace this process with `streamlit run app.py` (the same thing, one command)."""
    app = Path(__file__).resolve().parent.parent.parent / "app.py"
    if not app.is_file():
        print(f"vtm: {app} not found; run `vtm serve` from a checkout of VTM.", file=sys.stderr)
        return 2
    extra = [a for a in args.streamlit_args if a != "--"]
    command = [sys.executable, "-m", "streamlit", "run", str(app), *extra]
    os.chdir(app.parent)
    os.execv(sys.executable, command)
