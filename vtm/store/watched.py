"""SQL of the watch folders (issue 16): the folders added on the Settings page, and the
files seen in them, as which video."""

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

WATCH_FOLDERS = Table("watch_folders", (("path", "VARCHAR PRIMARY KEY"), ("added_at", "TIMESTAMP NOT NULL")))


class WatchedRows(Rows):
    def watch_folders(self) -> list[str]:
        """The folders added on the Settings page (VTM_WATCH's are not stored)."""
        return [r[0] for r in self._read("SELECT path FROM watch_folders ORDER BY path")]

    def add_watch_folder(self, path: str) -> bool:
        """False when it was already there."""
        with self._write() as conn:
            row = conn.execute("INSERT INTO watch_folders VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING path",
                               [path, now()]).fetchone()
        return row is not None

    def remove_watch_folder(self, path: str) -> bool:
        with self._write() as conn:
            row = conn.execute("DELETE FROM watch_folders WHERE path = ? RETURNING path", [path]).fetchone()
        return row is not None

    def watched_file(self, path: str) -> tuple[int | None, bool] | None:
        """(video id, missing) of a file the watch folders know."""
        rows = self._read("SELECT video_id, missing FROM watched_files WHERE path = ?", [path])
        return (rows[0][0], rows[0][1]) if rows else None

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
