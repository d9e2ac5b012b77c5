from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from vtm.errors import Conflict, NotFound, StoreLocked
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind, JobStatus, VideoStatus
from vtm.store import Store, schema


def add(store: Store, name: str = "a.mp4"):
    vid = store.next_video_id()
    return store.add_video(id=vid, filename=name, path=f"videos/{vid}/{name}", size=10, sha256="x", width=320, height=240)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "vtm.duckdb")
    yield s
    s.close()


def test_status_check_matches_enum(store: Store) -> None:
    for enum in (JobStatus, VideoStatus):
        values = set(re.findall(r"'(\w+)'", schema.values(enum)))
        assert values == {m.value for m in enum}
    video = add(store)
    with pytest.raises(Exception, match="CHECK"), store._write() as conn:
        conn.execute("INSERT INTO jobs (kind, video_id, params, status, created_at) VALUES ('thumbnail', ?, '{}', 'BOGUS', now())", [video.id])


def test_duplicate_filename_is_conflict(store: Store) -> None:
    add(store, "same.mp4")
    with pytest.raises(Conflict, match="already exists"):
        add(store, "same.mp4")
    assert len(store.list_videos()) == 1


def test_same_request_gives_same_job(store: Store) -> None:
    video = add(store)
    first, created = store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=320, height=240))
    again, created_again = store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=320, height=240))
    assert (first.id, created, created_again) == (again.id, True, False)


def test_claims_oldest_first_and_never_twice_under_threads(store: Store) -> None:
    video = add(store)
    ids = [store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=w, height=10))[0].id for w in range(1, 201)]
    claimed: list[int] = []
    lock = threading.Lock()

    def claim_all() -> None:
        while (job := store.claim_next()) is not None:
            store.mark_completed(job.id, "x.jpg")
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=claim_all) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == ids
    assert len(claimed) == len(set(claimed)) == 200
    assert store.count_jobs_by_status()[JobStatus.COMPLETED] == 200


def test_restart_requeues_running_jobs_then_gives_up(tmp_path: Path) -> None:
    s = Store(tmp_path / "vtm.duckdb")
    video = add(s)
    job, _ = s.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=1, height=1))
    assert s.claim_next().id == job.id
    s.close()  # the process "dies" with the job RUNNING
    for attempt in (1, 2):
        s = Store(tmp_path / "vtm.duckdb")
        requeued, failed = s.recover_running(max_attempts=2)
        if attempt == 1:
            assert (requeued, failed) == ([job.id], [])
            assert s.get_job(job.id).status is JobStatus.QUEUED
            assert s.claim_next().attempts == 2
        else:
            assert (requeued, failed) == ([], [job.id])
            assert "giving up" in s.get_job(job.id).error
        s.close()


def test_delete_video_removes_its_jobs(store: Store) -> None:
    video = add(store)
    store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=1, height=1))
    _, jobs = store.delete_video(video.id)
    assert len(jobs) == 1
    assert store.list_jobs() == []
    with pytest.raises(NotFound):
        store.get_video(video.id)


def test_retry_only_failed(store: Store) -> None:
    video = add(store)
    job, _ = store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=1, height=1))
    with pytest.raises(Conflict):
        store.retry(job.id)
    store.claim_next()
    store.mark_failed(job.id, "bad", "tb")
    again = store.retry(job.id)
    assert (again.status, again.error, again.attempts) == (JobStatus.QUEUED, None, 0)


def test_second_process_gets_one_clear_line(tmp_path: Path) -> None:
    s = Store(tmp_path / "vtm.duckdb")
    code = (
        "import sys; from pathlib import Path; from vtm.store import Store; from vtm.errors import StoreLocked\n"
        f"try:\n    Store(Path({str(tmp_path / 'vtm.duckdb')!r}))\nexcept StoreLocked as e:\n    print(e.message); sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    s.close()
    assert result.returncode == 3, result.stderr
    assert f"in use by process {os.getpid()}" in result.stdout
    assert result.stdout.count("\n") == 1 and "Traceback" not in result.stdout + result.stderr
    Store(tmp_path / "vtm.duckdb").close()  # free again once the holder closed


def test_second_store_in_same_process_is_refused(store: Store) -> None:
    with pytest.raises(StoreLocked, match=f"in use by process {os.getpid()}"):
        Store(store.path)


# The `videos` table as version 1 (schema 1) created it: a database file of that version.
SCHEMA_1_VIDEOS = """
CREATE TABLE videos (
    id BIGINT PRIMARY KEY DEFAULT nextval('video_ids'),
    filename VARCHAR NOT NULL UNIQUE,
    status VARCHAR NOT NULL,
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
"""


def test_a_database_of_schema_1_opens_and_gains_the_new_video_columns(tmp_path: Path) -> None:
    path = tmp_path / "vtm.duckdb"
    old = Store(path)
    with old._write() as conn:
        conn.execute("DROP TABLE jobs; DROP TABLE videos;" + SCHEMA_1_VIDEOS)
        conn.execute("INSERT INTO videos (filename, status, path, size, sha256, width, height, created_at) "
                     "VALUES ('old.mp4', 'COMPLETED', 'videos/1/old.mp4', 10, 'x', 320, 240, now())")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    old.close()
    upgraded = Store(path)  # a schema-1 file has no jobs table of the new kind either: created on open
    try:
        video = upgraded.list_videos()[0]
        assert (video.filename, video.width, video.storage_width, video.sample_aspect_ratio, video.duration_measured,
                video.hdr, video.field_order) == ("old.mp4", 320, None, None, False, None, None)
        new = upgraded.add_video(filename="new.mp4", path="p", size=1, sha256="y", width=1024, height=576, storage_width=704,
                                 storage_height=576, sample_aspect_ratio="16:11", duration_measured=True, hdr="pq",
                                 field_order="tff")
        assert upgraded.get_video(new.id).to_dict()["sample_aspect_ratio"] == "16:11"
        version = upgraded._read("SELECT value FROM meta WHERE key = 'schema_version'")[0][0]
        assert version == str(schema.SCHEMA_VERSION)
    finally:
        upgraded.close()


def test_a_progress_report_after_the_end_changes_nothing_and_tells_no_listener(store: Store) -> None:
    """A progress report can arrive after the job ended (the decoder's last report races
    the completion); it must not move the job nor publish it again (an event stream said
    COMPLETED twice)."""
    video = add(store)
    heard: list[tuple[int, JobStatus, float]] = []
    store.add_listener(lambda job: heard.append((job.id, job.status, job.progress)))
    job, _ = store.enqueue_job(video.id, JobKind.THUMBNAIL, ThumbnailOptions(width=320, height=240))
    store.claim_next()
    assert store.set_progress(job.id, 0.5) is not None
    store.mark_completed(job.id, "out.jpg")
    late = store.set_progress(job.id, 0.7)
    assert late is not None and (late.status, late.progress) == (JobStatus.COMPLETED, 1.0)
    assert heard == [(job.id, JobStatus.QUEUED, 0.0), (job.id, JobStatus.RUNNING, 0.0), (job.id, JobStatus.RUNNING, 0.5),
                     (job.id, JobStatus.COMPLETED, 1.0)]
    store.delete_video(video.id)
    assert store.set_progress(job.id, 0.9) is None  # gone: the worker stops the job
