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
import http.client
import json
import os
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from vtm.progress import Bar

CHUNK = 1024 * 1024


def run_import(args: argparse.Namespace) -> int:
    paths = _video_files(args.folders)
    missing = [p for p in args.folders if not p.exists()]
    for path in missing:
        print(f"vtm: {path}: no such file or folder", file=sys.stderr)
    if not paths:
        print("vtm: no video files found (looked for " + ", ".join(_extensions()) + ")", file=sys.stderr)
        return 1
    if args.api:
        return _import_via_api(args.api, args.token or os.environ.get("VTM_API_TOKEN", ""), paths, args.quiet)
    return _import_local(paths, args.quiet) or (1 if missing else 0)


def _extensions() -> tuple[str, ...]:
    from vtm.files import VIDEO_EXTENSIONS

    return VIDEO_EXTENSIONS


def _video_files(targets: list[Path]) -> list[Path]:
    from vtm.cli import expand

    return [p for p in expand(targets) if p.is_file()]


def _import_local(paths: list[Path], quiet: bool) -> int:
    from vtm import runtime, service
    from vtm.config import Settings
    from vtm.errors import StoreLocked, VtmError

    try:
        # Decoding runs in this process: these are the user's own files, and a crash
        # only ends this command.
        settings = Settings.from_env(isolation="thread")
        rt = runtime.build(settings, start_workers=False)
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
                video = service.import_file(rt, path)
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
        if status == 201:
            print(f"uploaded {path} as video {body.get('id')}")
        else:
            failures += 1
            message = body.get("error", {}).get("message") if isinstance(body, dict) else None
            print(f"vtm: {path}: HTTP {status}: {message or body}", file=sys.stderr)
    bar.done()
    return 1 if failures else 0


def upload(base: str, token: str, path: Path, progress: object = None) -> tuple[int, object]:
    """POST `path` to `base`/api/videos as multipart, streamed (never all in memory)."""
    url = urlsplit(base if "://" in base else f"http://{base}")
    boundary = uuid.uuid4().hex
    name = path.name.replace('"', "_").replace("\r", "_").replace("\n", "_")
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size
    cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = cls(url.hostname or "localhost", url.port, timeout=600)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(head) + size + len(tail))}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.putrequest("POST", url.path.rstrip("/") + "/api/videos")
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        conn.send(head)
        sent = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                conn.send(chunk)
                sent += len(chunk)
                if callable(progress):
                    progress(sent / max(1, size))
        conn.send(tail)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw or b"{}")
    except ValueError:
        return response.status, raw.decode(errors="replace")[:200]


def run_serve(args: argparse.Namespace) -> int:
    """Replace this process with `streamlit run app.py` (the same thing, one command)."""
    app = Path(__file__).resolve().parent.parent / "app.py"
    if not app.is_file():
        print(f"vtm: {app} not found; run `vtm serve` from a checkout of VTM.", file=sys.stderr)
        return 2
    extra = [a for a in args.streamlit_args if a != "--"]
    command = [sys.executable, "-m", "streamlit", "run", str(app), *extra]
    os.chdir(app.parent)
    os.execv(sys.executable, command)
    return 0  # not reached
