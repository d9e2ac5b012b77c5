"""SQL of the files the watch folders know (issue 16): what was seen, as which video."""

from __future__ import annotations

from vtm.store.rows import Rows, now
from vtm.store.schema import Table

WATCHED_FILES = Table(
    "watched_files",
    (
        ("path", "VARCHAR PRIMARY KEY"),
        ("video_id", "BIGINT"),
        ("size", "BIGINT NOT NULL"),
        ("mtime_ns", "BIGINT NOT NULL"),
        ("missing", "BOOLEAN NOT NULL DEFAULT false"),
        ("seen_at", "TIMESTAMP NOT NULL"),
    ),
)


class WatchedRows(Rows):
    def watched_files(self) -> dict[str, tuple[int | None, int, int, bool]]:
        """path -> (video id, size, mtime_ns, missing)."""
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in self._read("SELECT path, video_id, size, mtime_ns, missing FROM watched_files")}

    def save_watched_file(self, path: str, video_id: int | None, size: int, mtime_ns: int, *, missing: bool = False) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM watched_files WHERE path = ?", [path])
            conn.execute("INSERT INTO watched_files VALUES (?, ?, ?, ?, ?, ?)", [path, video_id, size, mtime_ns, missing, now()])

    def mark_watched_missing(self, path: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE watched_files SET missing = true, seen_at = ? WHERE path = ?", [now(), path])

    def move_watched_file(self, old: str, new: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE watched_files SET path = ?, missing = false, seen_at = ? WHERE path = ?", [new, now(), old])
