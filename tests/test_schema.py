"""Opening a database file: tables declared once are created, columns a newer version
added appear in an older file, a CHECK that lacks a value the code now uses (a new job
kind) is rebuilt with the rows kept, and a current file is not written at all."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from vtm.kinds.scenes import ScenesOptions
from vtm.models import JobKind, JobStatus
from vtm.store import TABLES, Store
from vtm.store.schema import Table


def old_file(path: Path) -> None:
    """A file as an older VTM wrote it: `videos` without `container`, jobs that know three kinds."""
    conn = duckdb.connect(str(path))
    conn.execute("CREATE SEQUENCE video_ids START 1; CREATE SEQUENCE job_ids START 1")
    conn.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    conn.execute("""CREATE TABLE videos (id BIGINT PRIMARY KEY DEFAULT nextval('video_ids'), filename VARCHAR NOT NULL UNIQUE,
        status VARCHAR NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')), path VARCHAR NOT NULL,
        size BIGINT NOT NULL, sha256 VARCHAR NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
        rotation INTEGER NOT NULL DEFAULT 0, duration DOUBLE, fps DOUBLE, frame_count BIGINT, codec VARCHAR,
        imported BOOLEAN NOT NULL DEFAULT false, error VARCHAR, created_at TIMESTAMP NOT NULL)""")
    conn.execute("""CREATE TABLE jobs (id BIGINT PRIMARY KEY DEFAULT nextval('job_ids'),
        kind VARCHAR NOT NULL CHECK (kind IN ('thumbnail', 'sheet', 'storyboard')), video_id BIGINT NOT NULL,
        params VARCHAR NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
        progress DOUBLE NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, error VARCHAR, traceback VARCHAR,
        output_path VARCHAR, created_at TIMESTAMP NOT NULL, started_at TIMESTAMP, finished_at TIMESTAMP,
        UNIQUE (video_id, kind, params))""")
    conn.execute("INSERT INTO videos (filename, status, path, size, sha256, width, height, created_at) "
                 "VALUES ('a.mp4', 'COMPLETED', 'videos/1/source/a.mp4', 1, 'x', 320, 240, now())")
    conn.execute("INSERT INTO jobs (kind, video_id, params, status, created_at) VALUES ('sheet', 1, '{\"columns\":4}', 'COMPLETED', now())")
    conn.close()


def test_an_older_file_gets_new_columns_and_kinds_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "vtm.duckdb"
    old_file(path)
    store = Store(path)
    try:
        assert store.get_video(1).container is None  # the added column, empty for old rows
        old_video = store.get_video(1)  # issue 15's poster columns: empty until a poster is chosen or hashed
        assert (old_video.poster_pick, old_video.poster_at, old_video.thumbhash) == (None, None, None)
        assert store.get_video(1).missing is False  # issue 16's column: its DEFAULT for old rows
        (old,) = store.list_jobs()
        assert (old.id, old.kind, old.params["columns"], old.status) == (1, JobKind.SHEET, 4, JobStatus.COMPLETED)
        new, created = store.enqueue_job(1, JobKind.SCENES, ScenesOptions(width=320))  # a kind the old CHECK refused
        assert created and new.id == 2
        with pytest.raises(duckdb.ConstraintException), store._write() as conn:  # still checked
            conn.execute("INSERT INTO jobs (kind, video_id, params, status, created_at) VALUES ('bogus', 1, '{}', 'QUEUED', now())")
        assert store.add_video(id=store.next_video_id(), filename="b.mp4", path="b", size=1, sha256="y", width=2,
                               height=2).id == 2
    finally:
        store.close()


def test_every_declared_table_exists_with_its_columns(tmp_path: Path) -> None:
    store = Store(tmp_path / "vtm.duckdb")
    try:
        found = {(t, c) for t, c in store._read("SELECT table_name, column_name FROM information_schema.columns")}
    finally:
        store.close()
    declared = {(table.name, column) for table in TABLES for column, _ in table.columns}
    assert declared <= found


def test_a_current_file_is_not_written_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "vtm.duckdb"
    Store(path).close()
    before = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.glob("vtm.duckdb*")}
    Store(path).close()
    after = {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in tmp_path.glob("vtm.duckdb*")}
    assert before == after


def test_a_table_is_declared_once_with_its_checks() -> None:
    names = [table.name for table in TABLES]
    assert len(names) == len(set(names))
    jobs = next(t for t in TABLES if t.name == "jobs")
    assert isinstance(jobs, Table) and set(jobs.checks) == {"kind", "status"}


def indexes(path: Path) -> set[str]:
    with duckdb.connect(str(path)) as conn:
        return {r[0] for r in conn.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}


def test_an_older_file_gets_the_indexes_the_pages_need(tmp_path: Path) -> None:
    # a file whose jobs table is rebuilt (its CHECK lags), and one without the index only
    rebuilt, plain = tmp_path / "rebuilt" / "vtm.duckdb", tmp_path / "plain" / "vtm.duckdb"
    rebuilt.parent.mkdir()
    old_file(rebuilt)
    Store(plain).close()
    with duckdb.connect(str(plain)) as conn:
        conn.execute("DROP INDEX jobs_video")
    assert "jobs_video" not in indexes(rebuilt) | indexes(plain)
    for path in (rebuilt, plain):
        store = Store(path)
        try:
            store.enqueue_job(store.get_video(1).id if path == rebuilt else store.add_video(
                id=store.next_video_id(), filename="a.mp4", path="a", size=1, sha256="x", width=2, height=2).id,
                JobKind.SCENES, ScenesOptions(width=320))
            assert [j.kind for j in store.list_jobs(video_id=1, limit=None)][0] is JobKind.SCENES
        finally:
            store.close()
        assert "jobs_video" in indexes(path)
