"""The data folder: where each file lives, safe names, and writes nobody sees half of.

    data/vtm.duckdb                       the store
    data/videos/<video_id>/<safe name>    uploads
    data/thumbnails/thumbnail_<video_id>_<w>_<h>[_<options>].<ext>
    data/outputs/<job_id>/...             sheets, storyboards, previews, scenes
    data/tmp/                             uploads and renders in progress (emptied on start)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vtm.errors import BadRequest, TooLarge

VIDEO_EXTENSIONS = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpeg", ".mpg", ".ts", ".m2ts")
MAX_NAME_LENGTH = 200
CHUNK = 1024 * 1024


def safe_filename(name: str) -> str:
    """A name that is safe as a single path component and readable by people:
    no directories, no `..`, no control characters, at most 200 characters."""
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
        for sub in ("videos", "thumbnails", "outputs", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def database(self) -> Path:
        return self.root / "vtm.duckdb"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def video_dir(self, video_id: int) -> Path:
        return self.root / "videos" / str(int(video_id))

    def video_path(self, video_id: int, safe_name: str) -> Path:
        return self.video_dir(video_id) / safe_name

    def thumbnail_path(self, video_id: int, params: dict[str, Any], defaults: dict[str, Any]) -> Path:
        """`thumbnail_<video_id>_<w>_<h>.jpg` as the old service named them; options that
        differ from the defaults add a suffix so each output has its own file."""
        extra = [
            f"{key}-{_slug(str(params[key]))}"
            for key in sorted(params)
            if key not in ("width", "height", "format") and params[key] != defaults.get(key)
        ]
        suffix = ("_" + "_".join(extra)) if extra else ""
        ext = params.get("format", "jpg")
        return self.root / "thumbnails" / f"thumbnail_{int(video_id)}_{params['width']}_{params['height']}{suffix}.{ext}"

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

    def clear_tmp(self) -> int:
        """Remove what unfinished writes left behind; returns how many entries went."""
        count = 0
        for entry in self.tmp.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            count += 1
        for pattern in ("thumbnails/.*.part", "outputs/*/.*.part"):
            for entry in self.root.glob(pattern):
                entry.unlink(missing_ok=True)
                count += 1
        return count


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
        self._file.write(chunk)

    def finish(self) -> Received:
        self._file.close()
        return Received(self.path, self.size, self._hash.hexdigest())

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
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
