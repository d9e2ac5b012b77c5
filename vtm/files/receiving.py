"""Receiving an upload: bytes streamed into data/tmp, hashed and counted as they
arrive, refused at once when over the limit; and copying a local file the same way."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vtm.disk import full_as_error
from vtm.errors import TooLarge

CHUNK = 1024 * 1024


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

    def write(self, chunk: bytes | bytearray) -> None:
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
