"""The store's connection on a real full disk (a tmpfs): a commit that cannot be written
is DiskFull and changes nothing; a checkpoint that fails makes DuckDB refuse the
database until it is opened again, which the store does by itself; once space is freed
it writes again, in the same process."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.tmpfs import fill, mounted
from vtm.errors import DiskFull
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind, JobStatus
from vtm.store import Store


def add_video(store: Store, vid: int) -> None:
    store.add_video(id=vid, filename=f"v{vid}.mp4", path=f"videos/{vid}/source/v{vid}.mp4", size=1, sha256="x",
                    width=320, height=240)


def test_a_full_disk_fails_commits_cleanly_and_a_failed_checkpoint_is_survived(tmp_path: Path,
                                                                               caplog: pytest.LogCaptureFixture) -> None:
    with mounted(tmp_path / "data", 8) as data:
        store = Store(data / "vtm.duckdb")
        try:
            add_video(store, 1)
            store.insert_jobs_bulk(1, JobKind.THUMBNAIL, [ThumbnailOptions(width=w, height=0) for w in range(1, 20000)])
            before = store.count_jobs_by_status()[JobStatus.QUEUED]
            filler = fill(data)
            with pytest.raises(DiskFull) as full:
                for n in range(2, 500):
                    add_video(store, n)
            assert str(data) in full.value.message and "left" in full.value.message
            # the checkpoint cannot write the database file: DuckDB invalidates the database
            with pytest.raises((duckdb.FatalException, DiskFull)), store._write() as conn:
                conn.execute("CHECKPOINT")
            # reads reopen it (the log replays), in this process, with what was committed
            assert store.count_jobs_by_status()[JobStatus.QUEUED] == before
            assert "it will be reopened" in caplog.text and "reopened" in caplog.text
            filler.unlink()
            job, created = store.enqueue_job(1, JobKind.THUMBNAIL, ThumbnailOptions(width=99999, height=0))
            assert created and store.get_job(job.id).status is JobStatus.QUEUED
        finally:
            store.close()
        store = Store(data / "vtm.duckdb")
        try:
            assert store.count_jobs_by_status()[JobStatus.QUEUED] == before + 1
        finally:
            store.close()
