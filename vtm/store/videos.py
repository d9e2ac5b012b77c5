"""SQL of the `videos` table: one row per video, added once its file is probed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from vtm.errors import Conflict, NotFound
from vtm.models import Job, Video, VideoStatus
from vtm.store.jobs import JOB_COLUMNS, JOB_FROM, job_from_row
from vtm.store.rows import Rows, like, now
from vtm.store.schema import Table

VIDEOS = Table(
    "videos",
    (
        ("id", "BIGINT PRIMARY KEY DEFAULT nextval('video_ids')"),
        ("filename", "VARCHAR NOT NULL UNIQUE"),
        ("status", "VARCHAR NOT NULL"),
        ("path", "VARCHAR NOT NULL"),
        ("size", "BIGINT NOT NULL"),
        ("sha256", "VARCHAR NOT NULL"),
        ("width", "INTEGER NOT NULL"),
        ("height", "INTEGER NOT NULL"),
        ("rotation", "INTEGER NOT NULL DEFAULT 0"),
        ("duration", "DOUBLE"),
        ("fps", "DOUBLE"),
        ("frame_count", "BIGINT"),
        ("codec", "VARCHAR"),
        ("container", "VARCHAR"),
        ("imported", "BOOLEAN NOT NULL DEFAULT false"),
        ("error", "VARCHAR"),
        ("created_at", "TIMESTAMP NOT NULL"),
        # Added after the first version (old files gain them on open, their rows NULL/false); see VideoInfo.
        ("storage_width", "INTEGER"),
        ("storage_height", "INTEGER"),
        ("sample_aspect_ratio", "VARCHAR"),
        ("duration_measured", "BOOLEAN DEFAULT false"),
        ("hdr", "VARCHAR"),
        ("field_order", "VARCHAR"),
        # The chosen poster (issue 15): what was asked (`12.5`, `40%`, `auto`, `cover`), the
        # time it resolved to, and the ThumbHash of the poster file (base64).
        ("poster_pick", "VARCHAR"),
        ("poster_at", "DOUBLE"),
        ("thumbhash", "VARCHAR"),
        # Issue 16: the file of a watched video was moved away or deleted (its outputs are kept).
        ("missing", "BOOLEAN DEFAULT false"),
    ),
    sequences=("video_ids",),
    checks={"status": VideoStatus},
)
VIDEO_COLUMNS = ", ".join(name for name, _ in VIDEOS.columns)
ORDERS = {  # vtm.models.VIDEO_SORTS, in SQL
    "newest": "created_at DESC, id DESC",
    "oldest": "created_at ASC, id ASC",
    "name": "lower(filename) ASC, id ASC",
    "duration": "duration DESC NULLS LAST, id DESC",
}


class VideoRows(Rows):
    def add_video(self, **values: Any) -> Video:
        values.setdefault("status", VideoStatus.COMPLETED.value)
        values.setdefault("created_at", now())
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        try:
            with self._write() as conn:
                row = conn.execute(
                    f"INSERT INTO videos ({names}) VALUES ({marks}) RETURNING {VIDEO_COLUMNS}",
                    list(values.values()),
                ).fetchone()
        except duckdb.ConstraintException:
            raise Conflict(
                f"A video named {values['filename']!r} already exists; rename the file or delete the old one.",
                code="duplicate_name",
            ) from None
        assert row is not None
        return video_from_row(row)

    def next_video_id(self) -> int:
        """Reserve an id for a video about to be added (its folder is named after it)."""
        with self._write() as conn:
            row = conn.execute("SELECT nextval('video_ids')").fetchone()
        assert row is not None
        return int(row[0])

    def videos_added_since(self, since: datetime, limit: int) -> list[Video]:
        """Videos added at or after `since`, the first `limit` of them."""
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE created_at >= ? ORDER BY created_at, id LIMIT ?",
                          [since, limit])
        return [video_from_row(r) for r in rows]

    def get_video(self, video_id: int) -> Video:
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE id = ?", [video_id])
        if not rows:
            raise NotFound(f"No video with id {video_id}.")
        return video_from_row(rows[0])

    def find_video_by_name(self, filename: str) -> Video | None:
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE filename = ?", [filename])
        return video_from_row(rows[0]) if rows else None

    def video_ids(self) -> set[int]:
        """The id of every video (`vtm doctor`: which folders have a row)."""
        return {r[0] for r in self._read("SELECT id FROM videos")}

    def list_videos(self, *, search: str = "", sort: str = "newest", status: VideoStatus | None = None) -> list[Video]:
        where, args = ["1=1"], []
        if search:
            where.append("filename ILIKE ? ESCAPE '\\'")
            args.append(like(search))
        if status:
            where.append("status = ?")
            args.append(status.value)
        order = ORDERS.get(sort, ORDERS["newest"])
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE {' AND '.join(where)} ORDER BY {order}", args)
        return [video_from_row(r) for r in rows]

    def delete_video(self, video_id: int) -> tuple[Video, list[Job]]:
        """Remove a video and its jobs in one transaction; returns exactly what was
        removed. Requests for it enqueued before are in the list; after, they are 404."""
        with self._write() as conn:
            row = conn.execute(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE id = ?", [video_id]).fetchone()
            if row is None:
                raise NotFound(f"No video with id {video_id}.")
            jobs = [job_from_row(r) for r in
                    conn.execute(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.video_id = ?", [video_id]).fetchall()]
            conn.execute("DELETE FROM jobs WHERE video_id = ?", [video_id])
            # What issue 16 keeps about a video goes with it (no orphan row).
            for table in ("fingerprints", "recipe_applied", "watched_files"):
                conn.execute(f"DELETE FROM {table} WHERE video_id = ?", [video_id])
            conn.execute("DELETE FROM duplicate_pairs WHERE video_a = ? OR video_b = ?", [video_id, video_id])
            conn.execute("DELETE FROM videos WHERE id = ?", [video_id])
        self._forget_unsaved([job.id for job in jobs])
        return video_from_row(row), jobs

    def _forget_unsaved(self, job_ids: list[int]) -> None:
        """Drop what `JobRows` keeps in memory about these jobs (overridden there)."""

    def set_poster(self, video_id: int, pick: str, at: float | None, thumbhash: str | None) -> Video:
        """Record the chosen poster (its file is written by then)."""
        with self._write() as conn:
            row = conn.execute(f"UPDATE videos SET poster_pick = ?, poster_at = ?, thumbhash = ? WHERE id = ? "
                               f"RETURNING {VIDEO_COLUMNS}", [pick, at, thumbhash, video_id]).fetchone()
        if row is None:
            raise NotFound(f"No video with id {video_id}.")
        return video_from_row(row)

    def set_thumbhash(self, video_id: int, thumbhash: str | None) -> None:
        with self._write() as conn:
            conn.execute("UPDATE videos SET thumbhash = ? WHERE id = ?", [thumbhash, video_id])

    def set_video_path(self, video_id: int, path: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE videos SET path = ? WHERE id = ?", [path, video_id])

    def set_video_missing(self, video_id: int, missing: bool, path: str | None = None) -> None:
        """Mark a video's file missing or found again (at `path` when it moved)."""
        with self._write() as conn:
            if path is None:
                conn.execute("UPDATE videos SET missing = ? WHERE id = ?", [missing, video_id])
            else:
                conn.execute("UPDATE videos SET missing = ?, path = ? WHERE id = ?", [missing, path, video_id])

    def update_video_file(self, video_id: int, **values: Any) -> Video:
        """New facts about a video's file (size, checksum, what a new probe found)."""
        names = ", ".join(f"{name} = ?" for name in values)
        with self._write() as conn:
            row = conn.execute(f"UPDATE videos SET {names} WHERE id = ? RETURNING {VIDEO_COLUMNS}",
                               [*values.values(), video_id]).fetchone()
        if row is None:
            raise NotFound(f"No video with id {video_id}.")
        return video_from_row(row)

    def advance_ids(self, video_id: int, job_id: int) -> None:
        """Make the next ids higher than `video_id` and `job_id` (names found on disk), so
        that a new video or output never lands in a folder the database forgot."""
        with self._write() as conn:
            for sequence, table, floor in (("video_ids", "videos", video_id), ("job_ids", "jobs", job_id)):
                last = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
                used = conn.execute("SELECT coalesce(last_value, 0) FROM duckdb_sequences() WHERE sequence_name = ?",
                                    [sequence]).fetchone()
                assert last is not None and used is not None
                missing = max(floor, int(last[0])) - int(used[0])
                if missing > 0:
                    conn.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [missing])


def video_from_row(row: tuple[Any, ...]) -> Video:
    (vid, filename, status, path, size, sha, w, h, rot, dur, fps, frames, codec, container, imported, error, created,
     storage_w, storage_h, sar, measured, hdr, field_order, poster_pick, poster_at, thumbhash, missing) = row
    return Video(
        id=vid, filename=filename, status=VideoStatus(status), path=path, size=size, sha256=sha,
        width=w, height=h, rotation=rot, duration=dur, fps=fps, frame_count=frames, codec=codec,
        container=container, imported=imported, error=error, created_at=created,
        storage_width=storage_w, storage_height=storage_h, sample_aspect_ratio=sar,
        duration_measured=bool(measured), hdr=hdr, field_order=field_order,
        poster_pick=poster_pick, poster_at=poster_at, thumbhash=thumbhash, missing=bool(missing),
    )
