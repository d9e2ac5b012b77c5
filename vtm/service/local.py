"""Outputs of a file on this machine, without a library (the CLI's picture commands):
the same kinds, options and runners as the server's jobs, written next to each other in
a folder the user chose. No store, no server: Streamlit and DuckDB are never imported
on this path, and each kind loads only the decoders it needs.

    thumbnail -> <stem>.<format>             sheet   -> <stem>.sheet.<format>
    preview   -> <stem>.preview.webp, .gif   storyboard, scenes -> a folder <stem>.<kind>/
    storyboard --format bif -> <stem>.bif    --format jellyfin -> <stem>.trickplay/<w> - <c>x<r>/<n>.jpg
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vtm import kinds
from vtm.files import VIDEO_EXTENSIONS, write_atomic, write_folder
from vtm.kinds.base import Make
from vtm.kinds.options import Options, VideoShape
from vtm.models import JobKind, VideoInfo

Progress = Callable[[float], None]
EXTENSIONS = VIDEO_EXTENSIONS
ANY_VIDEO = VideoInfo(width=1920, height=1080)  # what options are checked against before a file is read


def check(kind: JobKind, options: Mapping[str, object], video: VideoShape = ANY_VIDEO) -> Options:
    """The request checked as for a job (InvalidInput when it cannot be made)."""
    return kinds.parse(kind, options, video)


def make_output(kind: JobKind, path: Path, options: Mapping[str, object], out_dir: Path, progress: Progress) -> list[Path]:
    """Write the output of `kind` for `path` into `out_dir`; returns the main file(s)."""
    from vtm.media.probe import probe

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    info = probe(path)
    checked = check(kind, options, info)
    found = kinds.get(kind)
    files = found.make(Make(path, checked, info.duration, info=info, progress=progress))
    exported = _export(files, path, out_dir)
    if exported:
        return exported
    if found.single_file:
        ((name, data),) = files.items()
        dest = out_dir / f"{path.stem}{Path(name).suffix}"
        write_atomic(dest, data)
        progress(1.0)
        return [dest]
    if found.linked:
        folder = out_dir / f"{path.stem}.{kind.value}"
        write_folder(folder, files)
        return [folder / found.main(checked)]
    written = []
    for name, data in files.items():
        dest = out_dir / f"{path.stem}.{name}"
        write_atomic(dest, data)
        written.append(dest)
    return written


def _export(files: dict[str, bytes], path: Path, out_dir: Path) -> list[Path]:
    """A storyboard for media servers, written as they read it: `<stem>.bif` beside the
    video, or Jellyfin's `<stem>.trickplay/` folder unpacked from its zip."""
    import io
    import zipfile

    if list(files) == ["storyboard.bif"]:
        dest = out_dir / f"{path.stem}.bif"
        write_atomic(dest, files["storyboard.bif"])
        return [dest]
    if list(files) != ["trickplay.zip"]:
        return []
    with zipfile.ZipFile(io.BytesIO(files["trickplay.zip"])) as archive:
        names = archive.namelist()
        for name in names:  # written by vtm.media.trickplay: relative names, no `..`
            dest = out_dir / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(dest, archive.read(name))
    return [out_dir / names[0].split("/")[0]]


def scenes_of(path: Path, options: Mapping[str, object], out_dir: Path | None, progress: Progress) -> list[dict[str, Any]]:
    """Scene rows of `path`; with `out_dir`, also writes <stem>.scenes/ (JSON, CSV, keyframes)."""
    from vtm.kinds.scenes import scene_rows
    from vtm.media.probe import probe

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        main = make_output(JobKind.SCENES, path, options, out_dir, progress)[0]
        rows: list[dict[str, Any]] = json.loads(main.read_text())["scenes"]
        return rows
    info = probe(path)
    return scene_rows(Make(path, check(JobKind.SCENES, options, info), info.duration, info=info, progress=progress))
