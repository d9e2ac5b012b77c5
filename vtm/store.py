"""Every SQL statement of VTM. One DuckDB connection; one lock serialises writes.

Reads go through a per-thread cursor (DuckDB's MVCC gives each a consistent view);
writes take the lock on the one connection, which avoids DuckDB's "Conflict on update"
between threads. Status changes happen only here, through named functions.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from vtm.errors import Conflict, NotFound, StoreLocked
from vtm.models import Job, JobKind, JobStatus, Video, VideoStatus

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


def _values(enum: type) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


SCHEMA = f"""
CREATE SEQUENCE IF NOT EXISTS video_ids START 1;
CREATE SEQUENCE IF NOT EXISTS job_ids START 1;
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS videos (
    id BIGINT PRIMARY KEY DEFAULT nextval('video_ids'),
    filename VARCHAR NOT NULL UNIQUE,
    status VARCHAR NOT NULL CHECK (status IN ({_values(VideoStatus)})),
    path VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    rotation INTEGER NOT NULL DEFAULT 0,
    duration DOUBLE,
    fps DOUBLE,
    frame_count BIGINT,
    codec VARCHAR,
    container VARCHAR,
    imported BOOLEAN NOT NULL DEFAULT false,
    error VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id BIGINT PRIMARY KEY DEFAULT nextval('job_ids'),
    kind VARCHAR NOT NULL CHECK (kind IN ({_values(JobKind)})),
    video_id BIGINT NOT NULL,
    params VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ({_values(JobStatus)})),
    progress DOUBLE NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error VARCHAR,
    traceback VARCHAR,
    output_path VARCHAR,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    UNIQUE (video_id, kind, params)
);
"""

VIDEO_COLUMNS = (
    "id, filename, status, path, size, sha256, width, height, rotation, duration, fps, "
    "frame_count, codec, container, imported, error, created_at"
)
JOB_COLUMNS = (
    "j.id, j.kind, j.video_id, j.params, j.status, j.progress, j.attempts, j.error, "
    "j.traceback, j.output_path, j.created_at, j.started_at, j.finished_at, v.filename"
)
JOB_FROM = "jobs j LEFT JOIN videos v ON v.id = j.video_id"
VIDEO_SORTS = {
    "newest": "created_at DESC, id DESC",
    "oldest": "created_at ASC, id ASC",
    "name": "lower(filename) ASC, id ASC",
    "duration": "duration DESC NULLS LAST, id DESC",
}

JobListener = Callable[[Job], None]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def canonical(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


class Store:
    """The DuckDB file of one data folder, held by this process alone."""

    def __init__(self, path: Path, *, on_job_change: JobListener | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lockfile = _hold_folder_lock(self.path.parent / "vtm.lock")
        try:
            self._conn = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            self._lockfile.close()
            raise StoreLocked(f"Cannot open {self.path}: {exc}") from None
        self._lock = threading.RLock()
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._listeners: list[JobListener] = [on_job_change] if on_job_change else []
        with self._lock:
            self._conn.execute(SCHEMA)
            self._conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )

    # -- plumbing ---------------------------------------------------------------
    def add_listener(self, listener: JobListener) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        with self._lock:
            for cursor in self._cursors:
                cursor.close()
            self._cursors.clear()
            self._conn.close()
            self._lockfile.close()

    def _read(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._conn.cursor()
                self._cursors.append(cursor)
            self._local.cursor = cursor
        return cursor.execute(sql, params or []).fetchall()

    @contextmanager
    def _write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            self._conn.execute("BEGIN TRANSACTION")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _changed(self, job: Job | None) -> Job | None:
        if job is not None:
            for listener in self._listeners:
                listener(job)
        return job

    # -- videos -----------------------------------------------------------------
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
        return _video(row)

    def next_video_id(self) -> int:
        """Reserve an id for a video about to be added (its folder is named after it)."""
        with self._lock:
            row = self._conn.execute("SELECT nextval('video_ids')").fetchone()
        assert row is not None
        return int(row[0])

    def get_video(self, video_id: int) -> Video:
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE id = ?", [video_id])
        if not rows:
            raise NotFound(f"No video with id {video_id}.")
        return _video(rows[0])

    def find_video_by_name(self, filename: str) -> Video | None:
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE filename = ?", [filename])
        return _video(rows[0]) if rows else None

    def list_videos(self, *, search: str = "", sort: str = "newest", status: VideoStatus | None = None) -> list[Video]:
        where, args = ["1=1"], []
        if search:
            where.append("filename ILIKE ? ESCAPE '\\'")
            args.append("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if status:
            where.append("status = ?")
            args.append(status.value)
        order = VIDEO_SORTS.get(sort, VIDEO_SORTS["newest"])
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos WHERE {' AND '.join(where)} ORDER BY {order}", args)
        return [_video(r) for r in rows]

    def delete_video(self, video_id: int) -> tuple[Video, list[Job]]:
        """Remove a video and its jobs in one transaction; returns what was removed."""
        video = self.get_video(video_id)
        jobs = self.list_jobs(video_id=video_id, limit=None)
        with self._write() as conn:
            conn.execute("DELETE FROM jobs WHERE video_id = ?", [video_id])
            conn.execute("DELETE FROM videos WHERE id = ?", [video_id])
        return video, jobs

    # -- jobs -------------------------------------------------------------------
    def enqueue_job(self, video_id: int, kind: JobKind, params: dict[str, Any]) -> tuple[Job, bool]:
        """The job for (video, kind, params): the existing one, or a new QUEUED one.
        Returns the job and whether it was created."""
        key = canonical(params)
        with self._write() as conn:
            row = conn.execute(
                "SELECT id FROM jobs WHERE video_id = ? AND kind = ? AND params = ?",
                [video_id, kind.value, key],
            ).fetchone()
            created = row is None
            if created:
                row = conn.execute(
                    "INSERT INTO jobs (kind, video_id, params, status, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    [kind.value, video_id, key, JobStatus.QUEUED.value, now()],
                ).fetchone()
        assert row is not None
        job = self.get_job(row[0])
        if created:
            self._changed(job)
        return job, created

    def enqueue_many(self, video_id: int, kind: JobKind, params_list: list[dict[str, Any]]) -> list[Job]:
        return [self.enqueue_job(video_id, kind, p)[0] for p in params_list]

    def get_job(self, job_id: int) -> Job:
        rows = self._read(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.id = ?", [job_id])
        if not rows:
            raise NotFound(f"No job with id {job_id}.")
        return _job(rows[0])

    def find_job(self, video_id: int, kind: JobKind, params: dict[str, Any]) -> Job | None:
        rows = self._read(
            f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.video_id = ? AND j.kind = ? AND j.params = ?",
            [video_id, kind.value, canonical(params)],
        )
        return _job(rows[0]) if rows else None

    def list_jobs(
        self,
        *,
        status: JobStatus | None = None,
        kind: JobKind | None = None,
        video_id: int | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[Job]:
        where, args = ["1=1"], []
        for column, value in (("j.status", status), ("j.kind", kind), ("j.video_id", video_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value.value if hasattr(value, "value") else value)
        sql = f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE {' AND '.join(where)} ORDER BY j.id DESC"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [_job(r) for r in self._read(sql, args)]

    def count_jobs_by_status(self) -> dict[JobStatus, int]:
        counts = dict.fromkeys(JobStatus, 0)
        for status, count in self._read("SELECT status, count(*) FROM jobs GROUP BY status"):
            counts[JobStatus(status)] = count
        return counts

    def claim_next(self) -> Job | None:
        """Mark the oldest QUEUED job RUNNING and return it, or None when none waits."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT id FROM jobs WHERE status = 'QUEUED' ORDER BY created_at, id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, progress = 0, "
                "started_at = ?, finished_at = NULL, error = NULL, traceback = NULL WHERE id = ?",
                [now(), row[0]],
            )
        return self._changed(self.get_job(row[0]))

    def set_progress(self, job_id: int, progress: float) -> Job | None:
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET progress = ? WHERE id = ? AND status = 'RUNNING'",
                [max(0.0, min(1.0, progress)), job_id],
            )
        return self._changed(self.get_job(job_id))

    def mark_completed(self, job_id: int, output_path: str) -> Job:
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'COMPLETED', progress = 1, output_path = ?, finished_at = ?, "
                "error = NULL, traceback = NULL WHERE id = ?",
                [output_path, now(), job_id],
            )
        job = self.get_job(job_id)
        self._changed(job)
        return job

    def mark_failed(self, job_id: int, message: str, traceback: str | None = None) -> Job:
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'FAILED', error = ?, traceback = ?, finished_at = ? WHERE id = ?",
                [message, traceback, now(), job_id],
            )
        job = self.get_job(job_id)
        self._changed(job)
        return job

    def retry(self, job_id: int) -> Job:
        job = self.get_job(job_id)
        if job.status is not JobStatus.FAILED:
            raise Conflict(f"Job {job_id} is {job.status}; only FAILED jobs can be retried.", code="not_failed")
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'QUEUED', attempts = 0, progress = 0, error = NULL, "
                "traceback = NULL, started_at = NULL, finished_at = NULL, created_at = ? WHERE id = ?",
                [now(), job_id],
            )
        job = self.get_job(job_id)
        self._changed(job)
        return job

    def release(self, job_id: int) -> Job:
        """Put a RUNNING job back in the queue without counting the attempt (the server
        stopped it on shutdown; it was not the job's fault)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'QUEUED', attempts = greatest(attempts - 1, 0), progress = 0, "
                "started_at = NULL WHERE id = ? AND status = 'RUNNING'",
                [job_id],
            )
        return self.get_job(job_id)

    def recover_running(self, max_attempts: int) -> tuple[list[int], list[int]]:
        """Jobs a dead process left RUNNING: requeue those with attempts left, fail the rest.
        Returns (requeued ids, failed ids)."""
        with self._write() as conn:
            rows = conn.execute("SELECT id, attempts FROM jobs WHERE status = 'RUNNING'").fetchall()
            requeue = [r[0] for r in rows if r[1] < max_attempts]
            fail = [r[0] for r in rows if r[1] >= max_attempts]
            if requeue:
                conn.execute(
                    "UPDATE jobs SET status = 'QUEUED', progress = 0, started_at = NULL "
                    f"WHERE id IN ({', '.join('?' for _ in requeue)})",
                    requeue,
                )
            if fail:
                conn.execute(
                    "UPDATE jobs SET status = 'FAILED', finished_at = ?, error = ? "
                    f"WHERE id IN ({', '.join('?' for _ in fail)})",
                    [now(), f"The server stopped during this job {max_attempts} times; giving up.", *fail],
                )
        return requeue, fail

    def has_queued(self) -> bool:
        return bool(self._read("SELECT 1 FROM jobs WHERE status = 'QUEUED' LIMIT 1"))

    def job_output_paths(self) -> list[str]:
        return [r[0] for r in self._read("SELECT output_path FROM jobs WHERE output_path IS NOT NULL")]

    def insert_jobs_bulk(self, video_id: int, kind: JobKind, params_list: list[dict[str, Any]],
                         status: JobStatus = JobStatus.QUEUED) -> int:
        """Insert many jobs at once (benchmarks and imports), QUEUED unless `status` says
        otherwise; existing ones are skipped."""
        stamp = now()
        texts = [canonical(p) for p in params_list]
        with self._write() as conn:
            before = conn.execute("SELECT count(*) FROM jobs").fetchone()
            # One statement over a list parameter: executemany runs row by row (minutes for 100k).
            conn.execute(
                "INSERT OR IGNORE INTO jobs (kind, video_id, params, status, created_at) SELECT ?, ?, unnest(?), ?, ?",
                [kind.value, video_id, texts, status.value, stamp],
            )
            after = conn.execute("SELECT count(*) FROM jobs").fetchone()
        assert before is not None and after is not None
        return int(after[0] - before[0])


def _video(row: tuple[Any, ...]) -> Video:
    (vid, filename, status, path, size, sha, w, h, rot, dur, fps, frames, codec, container, imported, error, created) = row
    return Video(
        id=vid, filename=filename, status=VideoStatus(status), path=path, size=size, sha256=sha,
        width=w, height=h, rotation=rot, duration=dur, fps=fps, frame_count=frames, codec=codec,
        container=container, imported=imported, error=error, created_at=created,
    )


def _job(row: tuple[Any, ...]) -> Job:
    (jid, kind, vid, params, status, progress, attempts, error, tb, out, created, started, finished, filename) = row
    return Job(
        id=jid, kind=JobKind(kind), video_id=vid, params=json.loads(params), status=JobStatus(status),
        progress=progress, attempts=attempts, error=error, traceback=tb, output_path=out,
        created_at=created, started_at=started, finished_at=finished, video_filename=filename,
    )


class _FolderLock:
    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def close(self) -> None:
        if not self._handle.closed:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def _hold_folder_lock(path: Path) -> _FolderLock:
    """One process per data folder: an advisory lock on `vtm.lock`, holding our PID."""
    handle = open(path, "a+")  # noqa: SIM115 - held for the life of the store
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise StoreLocked(
            f"The data folder {path.parent} is in use by process {holder}; stop that process, "
            "use its API, or set VTM_DATA_DIR to another folder."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return _FolderLock(handle)
