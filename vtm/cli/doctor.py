"""`vtm doctor [--repair] [--json] [--api URL]`: the data folder compared with the
database (see `vtm.doctor`). Exit code 0 when they agree, 1 when they do not (after
`--repair`: when something is still wrong), 2 when the data folder cannot be opened.

It opens the data folder itself, which only one process may hold: while the server
runs it says so in one line, and `--api URL` asks that server instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

SHOWN = 20  # lines per category; --json has them all


def run_doctor(args: argparse.Namespace) -> int:
    if args.api:
        return _via_api(args.api, args.token or os.environ.get("VTM_API_TOKEN", ""), args.repair, args.json)
    from vtm import assembly
    from vtm.config import Settings
    from vtm.errors import StoreLocked, VtmError

    try:
        # Probing a lost upload again (--repair) is decoding an upload: in a child process, as
        # the server does. A report alone decodes nothing and starts no child.
        settings = Settings.from_env(None, workers=1) if args.repair else Settings.from_env(None, workers=1, isolation="thread")
        rt = assembly.build(settings, start_workers=False, report=False)
    except StoreLocked as exc:
        print(f"vtm: {exc.message} To check the running server: vtm doctor --api http://localhost:8501", file=sys.stderr)
        return 2
    except VtmError as exc:
        print(f"vtm: {exc.message}", file=sys.stderr)
        return 2
    try:
        result = rt.service.check_data_folder(repair=args.repair)
    except VtmError as exc:  # e.g. the disk filled up during the repair: one line, as at start
        print(f"vtm: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"vtm: {exc.filename or rt.service.data_folder}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        rt.close()
    _print(result, args.json)
    return 0 if result["after"]["ok"] else 1


def _via_api(base: str, token: str, repair: bool, as_json: bool) -> int:
    url = base.rstrip("/") + ("/api/doctor/repair" if repair else "/api/doctor")
    request = urllib.request.Request(url, method="POST" if repair else "GET")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            result = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
        print(f"vtm: {url}: HTTP {exc.code}: {body[:300]}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"vtm: cannot reach {base}: {exc}", file=sys.stderr)
        return 2
    _print(result, as_json)
    return 0 if result["after"]["ok"] else 1


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    before, after = result["before"], result["after"]
    print(f"data folder: {before['data_dir']}")
    _sections(before)
    if result["actions"]:
        print("repaired (nothing deleted):")
        for line in result["actions"]:
            print(f"  {line}")
        print("after the repair:" if not after["ok"] else "after the repair: the data folder and the database agree.")
        if not after["ok"]:
            _sections(after)
    elif before["ok"]:
        print("the data folder and the database agree.")
    else:
        print("inconsistent: `vtm doctor --repair` registers lost videos again, moves outputs without a job and "
              "unknown files to data/quarantine/<time>/ and marks jobs whose output is missing FAILED; it deletes "
              "no file.")


def _sections(report: dict[str, Any]) -> None:
    sections = [
        ("video folders without a row (uploads the database lost)", report["lost_videos"],
         lambda v: f"{v['folder']}  {', '.join(v['uploads']) or '(no upload in it)'}"),
        ("videos whose file is missing", report["missing_files"], lambda v: f"video {v['id']} {v['filename']!r}: {v['path']}"),
        ("outputs without a job", report["stray_outputs"], str),
        ("jobs whose output is missing", report["missing_outputs"], lambda j: f"job {j['id']} ({j['kind']}): {j['output']}"),
        ("jobs whose video is gone", report["orphan_jobs"], lambda j: f"job {j['id']} (video {j['video_id']})"),
        ("unknown files (VTM never names these)", report["unknown"], str),
    ]
    for title, items, line in sections:
        if not items:
            continue
        print(f"{len(items)} {title}:")
        for item in items[:SHOWN]:
            print(f"  {line(item)}")  # type: ignore[operator]
        if len(items) > SHOWN:
            print(f"  ... and {len(items) - SHOWN} more (--json lists them all)")
