"""The data folder: where each file lives, safe names, and writes nobody sees half of.

    data/vtm.duckdb                       the store (and vtm.duckdb.wal, vtm.lock)
    data/videos/<video_id>/source/<name>  uploads: the only place a name users choose appears
    data/videos/<video_id>/poster.jpg     VTM's own files of a video, beside `source/`
    data/thumbnails/thumbnail_<video_id>_<w>_<h>[_<options>].<ext>
    data/outputs/<job_id>/...             sheets, storyboards, previews, scenes
    data/tmp/                             uploads and renders in progress (VTM's names only)
    data/quarantine/<time>/...            what `vtm doctor --repair` moved aside

Users' names live one folder down (`source/`), so no upload can take the name of a file
VTM writes (an upload named `poster.jpg` once overwrote its own poster). Folders made
before that keep their upload beside the poster; the store moves it into `source/`.
Temporary names start with a dot (`.poster.jpg.x1.part`) or `upload-`, which safe names
never do: they are the only files VTM deletes without a row saying so.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtm.disk import full_as_error, full_error, is_full
from vtm.errors import BadRequest, DataFolderError, TooLarge

VIDEO_EXTENSIONS = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpeg", ".mpg", ".ts", ".m2ts")
MAX_NAME_LENGTH = 200
CHUNK = 1024 * 1024
SUBFOLDERS = ("videos", "thumbnails", "outputs", "tmp")
POSTER_NAME = "poster.jpg"
SOURCE_FOLDER = "source"
QUARANTINE = "quarantine"
DATABASE_FILES = ("vtm.duckdb", "vtm.duckdb.wal", "vtm.lock")
# Entries of data/tmp that only VTM names: streamed uploads, staging folders, the demo
# clips being made, deleted videos' folders on their way out.
TMP_OURS = re.compile(r"^(upload-.*\.part|\..*\.part|samples|deleted-\d+-.*)$")
THUMBNAIL_NAME = re.compile(r"^thumbnail_(\d+)_\d+_\d+(_[A-Za-z0-9._-]*)?\.(jpg|png|webp)$")


def safe_filename(name: str) -> str:
    """A name that is safe as a single path component and readable by people:
    no directories, no `..`, no control characters, no leading dot, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00')
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        raise BadRequest("The file has no usable name; give it a name such as clip.mp4.", code="empty_filename")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:16]
    room = MAX_NAME_LENGTH - len(ext) - (1 if ext else 0)
    stem = stem[:room].rstrip(" .") or "video"
    return f"{stem}.{ext}" if ext else stem


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
        return self.root / "vtm.duckdb"

    @property
    def lockfile(self) -> Path:
        return self.root / "vtm.lock"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def video_dir(self, video_id: int) -> Path:
        return self.root / "videos" / str(int(video_id))

    def source_dir(self, video_id: int) -> Path:
        return self.video_dir(video_id) / SOURCE_FOLDER

    def upload_path(self, video_id: int, safe_name: str) -> Path:
        return self.source_dir(video_id) / safe_name

    def poster_path(self, video_id: int) -> Path:
        return self.video_dir(video_id) / POSTER_NAME

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
            _remove(entry)
        return len(entries)

    def remove_partials(self, dest: Path) -> int:
        """Remove the temporary files of one output (`dest`) that a stopped render left:
        `.<name>.*.part` beside it and `.<name>-*.part` staging folders in tmp."""
        found = [*dest.parent.glob(f".{dest.name}.*.part"), *self.tmp.glob(f".{dest.name}-*.part"),
                 *dest.parent.glob(f".{dest.name}-*.part")]
        for entry in found:
            _remove(entry)
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


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "", text.replace("%", "pct"))[:32] or "x"


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path beside `dest`; on success it is renamed onto `dest`,
    on error it is removed. Readers see the old file or the whole new one."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(dest: Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


@dataclass
class Received:
    path: Path
    size: int
    sha256: str


class Receiver:
    """Streams chunks of an upload into data/tmp, hashing and counting as it goes and
    refusing at once when the limit is passed. Call `discard()` on any failure."""

    def __init__(self, tmp_dir: Path, limit_bytes: int) -> None:
        self._tmp_dir = tmp_dir
        with full_as_error(tmp_dir, "while receiving the upload"):
            fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=tmp_dir)
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._limit = limit_bytes
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            self.discard()
            raise TooLarge(
                f"The upload is larger than the limit of {self._limit // (1024 * 1024)} MB "
                "(VTM_MAX_UPLOAD_MB).",
            )
        self._hash.update(chunk)
        with full_as_error(self._tmp_dir, "while receiving the upload"):
            self._file.write(chunk)

    def finish(self) -> Received:
        with full_as_error(self._tmp_dir, "while receiving the upload"):
            self._file.close()
        return Received(self.path, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if not self._file.closed:
            try:
                self._file.close()
            except OSError:
                pass  # a full disk fails the flush of the last block: the file goes anyway
        self.path.unlink(missing_ok=True)


def receive_file(source: Path, tmp_dir: Path, limit_bytes: int) -> Received:
    """Copy a local file into data/tmp the same way an upload arrives."""
    receiver = Receiver(tmp_dir, limit_bytes)
    try:
        with open(source, "rb") as handle:
            while chunk := handle.read(CHUNK):
                receiver.write(chunk)
    except BaseException:
        receiver.discard()
        raise
    return receiver.finish()


async def receive_stream(chunks: AsyncIterator[bytes], tmp_dir: Path, limit_bytes: int) -> Received:
    receiver = Receiver(tmp_dir, limit_bytes)
    try:
        async for chunk in chunks:
            receiver.write(chunk)
    except BaseException:
        receiver.discard()
        raise
    return receiver.finish()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
