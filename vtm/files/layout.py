"""The data folder's layout: every path and file name VTM uses, and what is on disk.

    data/vtm.duckdb                       the store (and vtm.duckdb.wal, vtm.lock)
    data/videos/<video_id>/source/<name>  uploads: the only place a name users choose appears
    data/videos/<video_id>/poster.jpg     VTM's own files of a video, beside `source/`
    data/thumbnails/thumbnail_<video_id>_<w>_<h>[_<options>].<ext>
    data/outputs/<job_id>/...             sheets, storyboards, previews, scenes
    data/tmp/                             uploads and renders in progress (VTM's names only)
    data/quarantine/<time>/...            what `vtm doctor --repair` moved aside

Users' names live one folder down (`source/`), so no upload can take the name of a file
VTM writes (an upload named `poster.jpg` once overwrote its own poster). Folders made
before that keep their upload beside the poster; start-up moves it into `source/`.
A job's output is one file in thumbnails/ or a folder in outputs/, as its kind says
(`vtm.kinds`); a folder is staged in data/tmp and renamed into place (`staging_root`).
Temporary names start with a dot (`.poster.jpg.x1.part`) or `upload-`, which safe names
never do: they are the only files VTM deletes without a row saying so.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtm.disk import full_error, is_full
from vtm.errors import DataFolderError
from vtm.files.atomic import remove_entry, remove_tree

SUBFOLDERS = ("videos", "thumbnails", "outputs", "tmp")
POSTER_NAME = "poster.jpg"
POSTER_CHOICE_NAME = ".poster.json"  # why `auto` chose the poster's frame (hidden: never taken for an upload)
SOURCE_FOLDER = "source"
QUARANTINE = "quarantine"
DATABASE_NAME, LOCK_NAME = "vtm.duckdb", "vtm.lock"
DATABASE_FILES = (DATABASE_NAME, f"{DATABASE_NAME}.wal", LOCK_NAME)
# Entries of data/tmp that only VTM names: streamed uploads, staging folders, the demo
# clips being made, deleted videos' folders on their way out.
TMP_OURS = re.compile(r"^(upload-.*\.part|\..*\.part|samples|deleted-\d+-.*)$")
THUMBNAIL_NAME = re.compile(r"^thumbnail_(\d+)_\d+_\d+(_[A-Za-z0-9._-]*)?\.(jpg|png|webp)$")


class DataDir:
    """Paths inside one data folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        try:
            for sub in SUBFOLDERS:
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise unusable(self.root, exc) from None

    @property
    def database(self) -> Path:
        return self.root / DATABASE_NAME

    @property
    def lockfile(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def samples(self) -> Path:
        """Where the demo clips are made before they are added (cleared on start)."""
        return self.tmp / "samples"

    def export_part(self) -> Path:
        """A file an export (CSV, Parquet) is written to before it is read and removed;
        one left by a crash is removed on start like every `.part`."""
        import secrets

        return self.tmp / f".export-{secrets.token_hex(8)}.part"

    def video_dir(self, video_id: int) -> Path:
        return self.root / "videos" / str(int(video_id))

    def source_dir(self, video_id: int) -> Path:
        return self.video_dir(video_id) / SOURCE_FOLDER

    def upload_path(self, video_id: int, safe_name: str) -> Path:
        return self.source_dir(video_id) / safe_name

    def poster_path(self, video_id: int) -> Path:
        return self.video_dir(video_id) / POSTER_NAME

    def poster_choice_path(self, video_id: int) -> Path:
        return poster_choice_beside(self.poster_path(video_id))

    def thumbnail_path(self, video_id: int, params: dict[str, Any], defaults: dict[str, Any]) -> Path:
        return self.root / "thumbnails" / thumbnail_name(video_id, params, defaults)

    def output_dir(self, job_id: int) -> Path:
        return self.root / "outputs" / str(int(job_id))

    def relative(self, path: Path) -> str:
        path = Path(path).resolve()
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def absolute(self, stored: str) -> Path:
        path = Path(stored)
        return path if path.is_absolute() else self.root / path

    # -- what VTM may remove by itself: its own unfinished writes -----------------
    def clear_unfinished(self) -> int:
        """Remove what unfinished writes left behind, recognised by VTM's own naming
        (never by the database's silence); returns how many entries went."""
        entries = [e for e in self.tmp.iterdir() if TMP_OURS.match(e.name)]
        for pattern in ("thumbnails/.*.part", "outputs/.*.part", "outputs/*/.*.part", "videos/*/.*.part"):
            entries += self.root.glob(pattern)
        for entry in entries:
            remove_entry(entry)
        return len(entries)

    def remove_partials(self, dest: Path) -> int:
        """Remove the temporary files of one output (`dest`) that a stopped render left:
        `.<name>.*.part` beside it and `.<name>-*.part` staging folders in tmp."""
        found = [*dest.parent.glob(f".{dest.name}.*.part"), *self.tmp.glob(f".{dest.name}-*.part"),
                 *dest.parent.glob(f".{dest.name}-*.part")]
        for entry in found:
            remove_entry(entry)
        return len(found)

    def discard_folder(self, folder: Path, video_id: int) -> None:
        """Remove a deleted video's folder: renamed into tmp first (one atomic step, so a
        kill leaves it under a name VTM clears on start), then removed."""
        if not folder.exists():
            return
        try:
            parked = Path(tempfile.mkdtemp(prefix=f"deleted-{int(video_id)}-", dir=self.tmp))
            os.replace(folder, parked / "folder")
        except OSError:  # no room for the new folder's entry: remove it where it is
            parked = folder
        remove_tree(parked)

    def move_into_source(self, video_id: int, upload: Path) -> Path:
        """Move an upload from beside the poster (folders made before `source/`) into
        `source/`; an upload that was itself named `source` steps aside first."""
        final = self.upload_path(video_id, upload.name)
        if upload == final:
            return final
        if upload == self.source_dir(video_id):
            parked = upload.with_name(f".{upload.name}.moving.part")
            os.replace(upload, parked)
            upload = parked
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(upload, final)
        return final

    def move_aside(self, path: Path, stamp: str) -> Path:
        """Move a file or folder the database does not know into data/quarantine/<stamp>/,
        keeping its path inside the data folder. Never deletes, never overwrites."""
        target = self.root / QUARANTINE / stamp / path.relative_to(self.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while target.exists():
            n += 1
            target = target.with_name(f"{path.name}.{n}")
        os.replace(path, target)
        return target


    # -- what is on disk, by VTM's names (for `vtm doctor` and the start-up check) ----
    def inventory(self) -> Inventory:
        found = Inventory()
        for entry in sorted(self.root.iterdir()):
            if entry.name not in (*SUBFOLDERS, QUARANTINE, *DATABASE_FILES):
                found.unknown.append(entry)
        for entry in sorted((self.root / "videos").iterdir()):
            if entry.is_dir() and entry.name.isdigit():
                found.video_folders[int(entry.name)] = entry
            elif not entry.name.endswith(".part"):
                found.unknown.append(entry)
        for entry in sorted((self.root / "thumbnails").iterdir()):
            match = THUMBNAIL_NAME.match(entry.name)
            if match and entry.is_file():
                found.thumbnails[entry] = int(match.group(1))
            elif not entry.name.endswith(".part"):
                found.unknown.append(entry)
        for entry in sorted((self.root / "outputs").iterdir()):
            if entry.is_dir() and entry.name.isdigit():
                found.outputs[int(entry.name)] = entry
            elif not entry.name.endswith(".part"):
                found.unknown.append(entry)
        found.unknown += [e for e in sorted(self.tmp.iterdir()) if not TMP_OURS.match(e.name)]
        return found

    def uploads_in(self, video_id: int) -> list[Path]:
        """The upload(s) in a video's folder: in `source/`, or beside the poster in a
        folder made before `source/` existed."""
        source = self.source_dir(video_id)
        if source.is_dir():
            return sorted(p for p in source.iterdir() if p.is_file())
        folder = self.video_dir(video_id)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.is_file() and p.name != POSTER_NAME and not p.name.startswith("."))


@dataclass
class Inventory:
    """The data folder as VTM names it: video folders and outputs by id, thumbnails with
    their video's id, and entries VTM never names (reported, never removed)."""

    video_folders: dict[int, Path] = field(default_factory=dict)
    thumbnails: dict[Path, int] = field(default_factory=dict)
    outputs: dict[int, Path] = field(default_factory=dict)
    unknown: list[Path] = field(default_factory=list)

    def highest_ids(self) -> tuple[int, int]:
        """(highest video id, highest job id) that names something on disk."""
        videos = [*self.video_folders, *self.thumbnails.values()]
        return max(videos, default=0), max(self.outputs, default=0)


def poster_choice_beside(poster: Path) -> Path:
    """Where the poster's `Choice` (vtm.media.choose) is kept: beside the poster."""
    return Path(poster).with_name(POSTER_CHOICE_NAME)


def thumbnail_name(video_id: int, params: dict[str, Any], defaults: dict[str, Any]) -> str:
    """`thumbnail_<video_id>_<w>_<h>.jpg` as the old service named them; options that
    differ from the defaults add a suffix so each output has its own file."""
    extra = [
        f"{key}-{_slug(str(params[key]))}"
        for key in sorted(params)
        if key not in ("width", "height", "format") and params[key] != defaults.get(key)
    ]
    suffix = ("_" + "_".join(extra)) if extra else ""
    ext = params.get("format", "jpg")
    return f"thumbnail_{int(video_id)}_{params['width']}_{params['height']}{suffix}.{ext}"


def unusable(root: Path, exc: OSError) -> Exception:
    """The one-line reason a data folder cannot be used, from the OSError that said so."""
    if is_full(exc):
        return full_error(root)
    where = exc.filename or root
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and not Path(root).is_dir():
        return DataFolderError(f"The data folder {root} is a file, not a folder; set VTM_DATA_DIR to a folder "
                               "(it is created when missing) or move that file away.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return DataFolderError(f"The data folder {root} cannot be written ({exc.strerror}: {where}); VTM keeps its "
                               "database, uploads and pictures there: make it writable for this user, or set "
                               "VTM_DATA_DIR to another folder.")
    return DataFolderError(f"The data folder {root} cannot be used ({exc.strerror or exc}: {where}); check the disk "
                           "and its permissions, or set VTM_DATA_DIR to another folder.")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "", text.replace("%", "pct"))[:32] or "x"


def staging_root(dest: Path) -> Path:
    """Where the folder output `dest` (data/outputs/<job_id>) is staged before it is
    renamed into place: data/tmp, which start-up empties of VTM's temporary names; a
    folder outside a data folder (the CLI's) is staged beside itself."""
    tmp = dest.parent.parent / "tmp"
    return tmp if dest.parent.name == "outputs" and tmp.is_dir() else dest.parent


def lock_beside(database: Path) -> Path:
    """The lock file of the data folder holding `database`: one process per folder."""
    return database.parent / LOCK_NAME
