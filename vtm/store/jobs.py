"""SQL of the `jobs` table: one row per requested output, and every change of status.

Status changes happen only here, through named functions (`claim_next`,
`mark_completed`, `mark_failed`, `retry`, `release`, `recover_running`); each change
is told to the listeners (the event bus, the workers' wake-up).

A full disk: a job's FAILED status that cannot be saved is kept in memory, shown by
every read, and written as soon as the disk has room (`flush_unsaved`); a restart
before that requeues the job.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb

from vtm import kinds
from vtm.errors import Conflict, DiskFull, NotFound
from vtm.models import Job, JobFilter, JobKind, JobNode, JobOptions, JobStatus
from vtm.store.rows import Rows, like, marks, now, page
from vtm.store.schema import Table

log = logging.getLogger(__name__)

JOBS = Table(
    "jobs",
    (
        ("id", "BIGINT PRIMARY KEY DEFAULT nextval('job_ids')"),
        ("kind", "VARCHAR NOT NULL"),
        ("video_id", "BIGINT NOT NULL"),
        ("params", "VARCHAR NOT NULL"),
        ("status", "VARCHAR NOT NULL"),
        ("progress", "DOUBLE NOT NULL DEFAULT 0"),
        ("attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("error", "VARCHAR"),
        ("traceback", "VARCHAR"),
        ("output_path", "VARCHAR"),
        ("created_at", "TIMESTAMP NOT NULL"),
        ("started_at", "TIMESTAMP"),
        ("finished_at", "TIMESTAMP"),
        ("priority", "INTEGER NOT NULL DEFAULT 0"),  # higher first: an image URL someone waits for (issue 15)
        ("node", "VARCHAR"),  # where the job runs or ran on a cluster: JSON {"id", "ip", "name"}; NULL locally
    ),
    constraints=("UNIQUE (video_id, kind, params)",),
    sequences=("job_ids",),
    checks={"kind": JobKind, "status": JobStatus},
    indexes=(("jobs_video", "video_id"),),  # a video's jobs (its page, every second) among a million
)
JOB_COLUMNS = (
    "j.id, j.kind, j.video_id, j.params, j.status, j.progress, j.attempts, j.error, "
    "j.traceback, j.output_path, j.created_at, j.started_at, j.finished_at, j.node, v.filename"
)
JOB_FROM = "jobs j LEFT JOIN videos v ON v.id = j.video_id"
# The same columns of `jobs` alone (an UPDATE's RETURNING), the video's name then read apart.
ROW_COLUMNS = JOB_COLUMNS.replace("j.", "").removesuffix(", v.filename")

JobListener = Callable[[Job], None]


def canonical(options: JobOptions) -> str:
    """The options as the row stores them: the same request is the same text, hence the same job."""
    return json.dumps(options.to_json(), sort_keys=True, separators=(",", ":"))


class JobRows(Rows):
    _listeners: list[JobListener]
    _unsaved: dict[int, tuple[str, str | None, datetime]]

    def add_listener(self, listener: JobListener) -> None:
        """`listener(job)` is called after every change of a job (in the changing thread)."""
        self._listeners.append(listener)

    def _changed(self, job: Job | None) -> Job | None:
        if job is not None:
            for listener in self._listeners:
                listener(job)
        return job

    def _forget_unsaved(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self._unsaved.pop(job_id, None)

    def enqueue_job(self, video_id: int, kind: JobKind, options: JobOptions, priority: int = 0) -> tuple[Job, bool]:
        """The job for (video, kind, options): the existing one, or a new QUEUED one.
        Returns the job and whether it was created. A `priority` above 0 puts the job
        ahead of the others in the queue (an existing queued one moves up too)."""
        key = canonical(options)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM videos WHERE id = ?", [video_id]).fetchone() is None:
                raise NotFound(f"No video with id {video_id}.")  # deleted since it was read
            row = conn.execute(
                "SELECT id FROM jobs WHERE video_id = ? AND kind = ? AND params = ?",
                [video_id, kind.value, key],
            ).fetchone()
            created = row is None
            if created:
                row = conn.execute(
                    "INSERT INTO jobs (kind, video_id, params, status, created_at, priority) VALUES (?, ?, ?, ?, ?, ?) "
                    "RETURNING id",
                    [kind.value, video_id, key, JobStatus.QUEUED.value, now(), priority],
                ).fetchone()
                self._tally.move({JobStatus.QUEUED: 1})
            else:
                if priority and row is not None:
                    conn.execute("UPDATE jobs SET priority = ? WHERE id = ? AND status = 'QUEUED' AND priority < ?",
                                 [priority, row[0], priority])
                self._tally.move()
        assert row is not None
        job = self.get_job(row[0])
        if created:
            self._changed(job)
        return job, created

    def get_job(self, job_id: int) -> Job:
        rows = self._read(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.id = ?", [job_id])
        if not rows:
            raise NotFound(f"No job with id {job_id}.")
        return self._overlay(job_from_row(rows[0]))

    def find_job(self, video_id: int, kind: JobKind, options: JobOptions) -> Job | None:
        rows = self._read(
            f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.video_id = ? AND j.kind = ? AND j.params = ?",
            [video_id, kind.value, canonical(options)],
        )
        return self._overlay(job_from_row(rows[0])) if rows else None

    def list_jobs(
        self,
        *,
        status: JobStatus | None = None,
        kind: JobKind | None = None,
        video_id: int | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[Job]:
        where, args = job_conditions(JobFilter(status, kind, video_id), with_status=True)
        sql = f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE {where} ORDER BY j.id DESC"
        if limit is not None:
            sql += f" {page(limit, offset)}"
        return [self._overlay(job_from_row(r)) for r in self._read(sql, args)]

    def jobs_ended_since(self, since: datetime, limit: int) -> list[Job]:
        """COMPLETED and FAILED jobs that ended at or after `since`, the first `limit` of them."""
        rows = self._read(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE j.status IN ('COMPLETED', 'FAILED') "
                          "AND j.finished_at >= ? ORDER BY j.finished_at, j.id LIMIT ?", [since, limit])
        return [job_from_row(r) for r in rows]

    def count_jobs_by_status(self) -> dict[JobStatus, int]:
        return self.job_counts(JobFilter())

    def job_counts(self, where: JobFilter) -> dict[JobStatus, int]:
        """Jobs per status among those the filter's kind, video and text pick; only the
        filter's status when it has one. Of all jobs: from the tally while it is true;
        narrowed: asked again before any write, from memory."""
        if where.kind is None and where.video_id is None and not where.text.strip() and not self._unsaved:
            counts = self._tallied()
            return counts if where.status is None else {s: (n if s is where.status else 0) for s, n in counts.items()}
        return dict(self._remembered(("job_counts", where, frozenset(self._unsaved.items())),
                                     lambda: self._job_counts(where)))

    def _tallied(self) -> dict[JobStatus, int]:
        """Jobs per status, from the tally, or counted and handed to it when no write ended meanwhile."""
        changes = self._db.changes
        counts = self._tally.counts(changes)
        if counts is not None:
            return counts
        counts = self._job_counts(JobFilter())
        with self._db.lock:
            if self._db.changes == changes and not self._unsaved:
                self._tally.keep(changes, counts)
        return counts

    def _job_counts(self, where: JobFilter) -> dict[JobStatus, int]:
        sql, args = job_conditions(where, with_status=False)
        counts = dict.fromkeys(JobStatus, 0)
        for status, count in self._read(f"SELECT j.status, count(*) FROM jobs j WHERE {sql} GROUP BY j.status", args):
            counts[JobStatus(status)] = int(count)
        if self._unsaved:  # FAILED in memory (a full disk), RUNNING in the file
            ids = list(self._unsaved)
            moved = self._read(f"SELECT count(*) FROM jobs j WHERE j.status = 'RUNNING' AND j.id IN ({marks(ids)}) "
                               f"AND {sql}", [*ids, *args])[0][0]
            counts[JobStatus.RUNNING] -= moved
            counts[JobStatus.FAILED] += moved
        if where.status is not None:
            counts = {status: (n if status is where.status else 0) for status, n in counts.items()}
        return counts

    def claim_next(self) -> Job | None:
        """Mark the oldest QUEUED job RUNNING and return it, or None when none waits."""
        with self._write() as conn:
            row = conn.execute(
                "UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, progress = 0, started_at = ?, "
                "finished_at = NULL, error = NULL, traceback = NULL, node = NULL WHERE id = (SELECT id FROM jobs "
                f"WHERE status = 'QUEUED' ORDER BY priority DESC, created_at, id LIMIT 1) RETURNING {ROW_COLUMNS}",
                [now()],
            ).fetchone()
            if row is None:
                self._tally.move()
                return None
            self._tally.move({JobStatus.QUEUED: -1, JobStatus.RUNNING: 1})
            job = self._returned(conn, row)
        return self._changed(self._overlay(job))

    def set_progress(self, job_id: int, progress: float) -> Job | None:
        """A RUNNING job's progress; None when the job is gone (deleted with its video while
        it ran). A report that arrives after the job ended changes nothing and tells no
        listener: an event stream would otherwise say COMPLETED (or FAILED) twice."""
        with self._write() as conn:
            moved = conn.execute(
                "UPDATE jobs SET progress = ? WHERE id = ? AND status = 'RUNNING' RETURNING id",
                [max(0.0, min(1.0, progress)), job_id],
            ).fetchone()
            self._tally.move()
        try:
            job = self.get_job(job_id)
        except NotFound:
            return None
        return self._changed(job) if moved is not None else job

    def set_placement(self, job_id: int, node: JobNode, attempts: int) -> Job | None:
        """Where a RUNNING job's current attempt runs (a cluster node) and how many times it
        was started; None when the job is no longer RUNNING (deleted, or ended meanwhile)."""
        with self._write() as conn:
            row = conn.execute(
                "UPDATE jobs SET node = ?, attempts = greatest(attempts, ?) WHERE id = ? AND status = 'RUNNING' "
                "RETURNING id",
                [json.dumps(node.to_dict(), sort_keys=True), attempts, job_id],
            ).fetchone()
            self._tally.move()
        if row is None:
            return None
        return self._changed(self.get_job(job_id))

    def mark_completed(self, job_id: int, output_path: str) -> Job:
        with self._write() as conn:
            self._moving(conn, job_id, JobStatus.COMPLETED)
            row = conn.execute(
                "UPDATE jobs SET status = 'COMPLETED', progress = 1, output_path = ?, finished_at = ?, "
                f"error = NULL, traceback = NULL WHERE id = ? RETURNING {ROW_COLUMNS}",
                [output_path, now(), job_id],
            ).fetchone()
            if row is None:
                raise NotFound(f"No job with id {job_id}.")
            job = self._returned(conn, row)
        self._changed(job)
        return job

    def mark_failed(self, job_id: int, message: str, traceback: str | None = None) -> Job:
        """FAILED with its reason. When the disk is too full to save that, the status is
        kept in memory (every read shows it) and saved by `flush_unsaved` later."""
        try:
            self._save_failure(job_id, message, traceback, now())
        except DiskFull:
            self._unsaved[job_id] = (message, traceback, now())
            log.warning("job %s: FAILED (%s); the disk is full, so this is kept in memory and saved when there is room",
                        job_id, message)
        job = self.get_job(job_id)
        self._changed(job)
        return job

    def _save_failure(self, job_id: int, message: str, traceback: str | None, at: datetime) -> None:
        with self._write() as conn:
            self._moving(conn, job_id, JobStatus.FAILED)
            conn.execute(
                "UPDATE jobs SET status = 'FAILED', error = ?, traceback = ?, finished_at = ? WHERE id = ?",
                [message, traceback, at, job_id],
            )
        self._unsaved.pop(job_id, None)

    def flush_unsaved(self) -> int:
        """Save the FAILED statuses a full disk kept in memory; returns how many are still unsaved."""
        for job_id, (message, traceback, at) in list(self._unsaved.items()):
            try:
                self._save_failure(job_id, message, traceback, at)
            except DiskFull:
                break
            log.info("job %s: its FAILED status is saved now", job_id)
        return len(self._unsaved)

    def _moving(self, conn: duckdb.DuckDBPyConnection, job_id: int, to: JobStatus) -> None:
        """Tell the tally that this transaction moves job `job_id` (if it exists) to `to`."""
        row = conn.execute("SELECT status FROM jobs WHERE id = ?", [job_id]).fetchone()
        self._tally.move()
        if row is not None and JobStatus(row[0]) is not to:
            self._tally.move({JobStatus(row[0]): -1, to: 1})

    @staticmethod
    def _returned(conn: duckdb.DuckDBPyConnection, row: tuple[Any, ...]) -> Job:
        """The job of a row that `UPDATE … RETURNING {ROW_COLUMNS}` gave, with its video's
        name read in the same transaction: the workers' claim and COMPLETED need not read
        the joined row again afterwards (a query on the hot path of every job)."""
        name = conn.execute("SELECT filename FROM videos WHERE id = ?", [row[2]]).fetchone()
        return job_from_row((*row, name[0] if name else None))

    def _overlay(self, job: Job) -> Job:
        pending = self._unsaved.get(job.id)
        if pending is None or job.status is not JobStatus.RUNNING:
            return job
        message, traceback, at = pending
        return dataclasses.replace(job, status=JobStatus.FAILED, error=message, traceback=traceback, finished_at=at)

    def discard_job(self, job_id: int) -> None:
        """Remove the row of a job whose video is gone (it goes with its video)."""
        with self._write() as conn:
            conn.execute("DELETE FROM jobs WHERE id = ?", [job_id])
        self._unsaved.pop(job_id, None)

    def retry(self, job_id: int) -> Job:
        job = self.get_job(job_id)
        if job.status is not JobStatus.FAILED:
            raise Conflict(f"Job {job_id} is {job.status}; only FAILED jobs can be retried.", code="not_failed")
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM videos WHERE id = ?", [job.video_id]).fetchone() is None:
                raise NotFound(f"The video of job {job_id} was deleted; the job cannot run again.")
            conn.execute(
                "UPDATE jobs SET status = 'QUEUED', attempts = 0, progress = 0, error = NULL, "
                "traceback = NULL, started_at = NULL, finished_at = NULL, node = NULL, created_at = ? WHERE id = ?",
                [now(), job_id],
            )
        self._unsaved.pop(job_id, None)
        job = self.get_job(job_id)
        self._changed(job)
        return job

    def release(self, job_id: int) -> Job:
        """Put a RUNNING job back in the queue without counting the attempt (the server
        stopped it on shutdown; it was not the job's fault)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE jobs SET status = 'QUEUED', attempts = greatest(attempts - 1, 0), progress = 0, "
                "started_at = NULL, node = NULL WHERE id = ? AND status = 'RUNNING'",
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
                    "UPDATE jobs SET status = 'QUEUED', progress = 0, started_at = NULL, node = NULL "
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

    def has_pending(self) -> bool:
        """Whether any job is queued or running (one row read, not a count of them all)."""
        return bool(self._read("SELECT 1 FROM jobs WHERE status IN ('QUEUED', 'RUNNING') LIMIT 1"))

    def job_outputs(self) -> list[tuple[int, JobKind, int, JobStatus, str | None, str]]:
        """(id, kind, video id, status, output path, params as stored) of every job: what
        `vtm doctor` compares with the files, without building every Job."""
        rows = self._read("SELECT id, kind, video_id, status, output_path, params FROM jobs")
        return [(r[0], JobKind(r[1]), r[2], JobStatus(r[3]), r[4], r[5]) for r in rows]

    def known_job_ids(self, job_ids: list[int]) -> set[int]:
        """Which of `job_ids` name a job (`vtm doctor`: is an output folder still someone's?)."""
        rows = self._read("SELECT id FROM jobs WHERE id IN (SELECT unnest(?::BIGINT[]))", [job_ids])
        return {r[0] for r in rows}

    def jobs_without_video(self) -> list[Job]:
        """Jobs whose video row is gone (`vtm doctor`)."""
        rows = self._read(f"SELECT {JOB_COLUMNS} FROM {JOB_FROM} WHERE v.id IS NULL ORDER BY j.id")
        return [self._overlay(job_from_row(r)) for r in rows]

    def insert_jobs_bulk(self, video_id: int, kind: JobKind, options: list[JobOptions],
                         status: JobStatus = JobStatus.QUEUED) -> int:
        """Insert many jobs at once (benchmarks and imports), QUEUED unless `status` says
        otherwise; existing ones are skipped."""
        stamp = now()
        texts = [canonical(o) for o in options]
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


def job_from_row(row: tuple[Any, ...]) -> Job:
    (jid, kind, vid, params, status, progress, attempts, error, tb, out, created, started, finished, node, filename) = row
    return Job(
        id=jid, kind=JobKind(kind), video_id=vid, options=kinds.decode(JobKind(kind), json.loads(params)),
        status=JobStatus(status),
        progress=progress, attempts=attempts, error=error, traceback=tb, output_path=out,
        created_at=created, started_at=started, finished_at=finished, node=JobNode.from_dict(json.loads(node)) if node else None,
        video_filename=filename,
    )


def job_conditions(where: JobFilter, *, with_status: bool) -> tuple[str, list[Any]]:
    """The SQL condition (on `jobs j`) and its arguments for what the filter picks; its
    status only `with_status`."""
    parts: list[str] = ["1=1"]
    args: list[Any] = []
    if with_status and where.status is not None:
        parts.append("j.status = ?")
        args.append(where.status.value)
    if where.kind is not None:
        parts.append("j.kind = ?")
        args.append(where.kind.value)
    if where.video_id is not None:
        parts.append("j.video_id = ?")
        args.append(where.video_id)
    if where.text.strip():
        pattern = like(where.text.strip())
        parts.append("(j.video_id IN (SELECT id FROM videos WHERE filename ILIKE ? ESCAPE '\\') "
                     "OR j.error ILIKE ? ESCAPE '\\')")
        args += [pattern, pattern]
    return " AND ".join(parts), args
