"""The picture commands of the CLI: probe a file, check the options with the same rules
as the API (vtm.params), render with vtm.media and write the results atomically.
No store, no server: Streamlit and DuckDB are never imported on this path."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtm import kinds
from vtm.files import write_atomic, write_folder
from vtm.kinds.base import Make
from vtm.kinds.options import Options
from vtm.models import JobKind, Video, VideoInfo, VideoStatus

Progress = Callable[[float], None]


def normalise(command: str, info: VideoInfo | None, options: dict[str, Any]) -> Options:
    """Options checked as for a job; without `info`, checked against a 1920x1080 video."""
    width, height = (info.width, info.height) if info else (1920, 1080)
    video = Video(id=0, filename="", status=VideoStatus.COMPLETED, path="", size=0, sha256="", width=width, height=height)
    return kinds.parse(JobKind(command), options, video)


def make_output(command: str, path: Path, options: dict[str, Any], out_dir: Path, progress: Progress) -> list[Path]:
    """Write the output of `command` for `path` into `out_dir`; returns the main file(s).
    thumbnail -> <stem>.<format>; sheet -> <stem>.sheet.<format>; preview ->
    <stem>.preview.webp and .gif; storyboard and scenes -> a folder <stem>.<command>/."""
    from vtm.media.probe import probe

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    info = probe(path)
    normalised = normalise(command, info, options)
    kind = kinds.get(JobKind(command))
    files = kind.make(Make(path, normalised, info.duration, info=info, progress=progress))
    if kind.single_file:
        data = next(iter(files.values()))
        dest = out_dir / f"{path.stem}{Path(next(iter(files))).suffix}"
        write_atomic(dest, data)
        progress(1.0)
        return [dest]
    if kind.linked:
        folder = out_dir / f"{path.stem}.{command}"
        write_folder(folder, files)
        return [folder / kind.main(normalised)]
    written = []
    for name, data in files.items():
        dest = out_dir / f"{path.stem}.{name}"
        write_atomic(dest, data)
        written.append(dest)
    return written


def scenes_of(path: Path, options: dict[str, Any], out_dir: Path | None, progress: Progress) -> list[dict[str, Any]]:
    """Scene rows of `path`; with `out_dir`, also writes <stem>.scenes/ (JSON, CSV, keyframes)."""
    from vtm.media import scenes
    from vtm.media.probe import probe

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        main = make_output("scenes", path, options, out_dir, progress)[0]
        return json.loads(main.read_text())["scenes"]
    info = probe(path)
    normalised = normalise("scenes", info, options)
    found = scenes.detect(path, info, normalised.threshold, normalised.min_scene, progress)  # type: ignore[attr-defined]
    return [{k: v for k, v in row.items() if k not in ("keyframe", "keyframe_s")} for row in scenes.rows(found)]


def print_scenes(results: list[tuple[Path, list[dict[str, Any]]]], fmt: str) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump([{"file": str(path), "scenes": rows} for path, rows in results], out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        fields = ["file", "scene", "start_s", "end_s", "start", "end", "duration_s", "start_frame", "end_frame"]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for path, rows in results:
            writer.writerows({"file": str(path), **row} for row in rows)
        return
    for path, rows in results:
        out.write(f"{path}: {len(rows)} scene(s)\n")
        for row in rows:
            out.write(f"  {row['scene']:>4}  {row['start']:>12} - {row['end']:<12} {row['duration_s']:>8.3f} s"
                      f"  frames {row['start_frame']}-{row['end_frame']}\n")
