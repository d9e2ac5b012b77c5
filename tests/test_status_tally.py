"""Jobs per status come from a tally in memory (vtm/store/tally.py), moved by the writes
that move jobs, so the sidebar and the Jobs page need no scan of a million jobs every
second. What must hold: the tally's counts are the database's, after any sequence of
writes, from any number of threads; and the writes of a busy queue (new jobs, claims,
progress, completions, failures) keep it without counting again.

The database's own count is read through a filter the tally does not answer (one kind at
a time), so both sides are compared on the same real DuckDB file."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest

from tests.test_store import add
from vtm.errors import Conflict, NotFound
from vtm.kinds.sheet import SheetOptions
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobFilter, JobKind, JobNode, JobStatus
from vtm.store import Store

KINDS = (JobKind.THUMBNAIL, JobKind.SHEET)


def counted(store: Store) -> dict[JobStatus, int]:
    """Jobs per status as the database counts them (a kind filter goes to SQL, not the tally)."""
    total = dict.fromkeys(JobStatus, 0)
    for kind in KINDS:
        for status, n in store.job_counts(JobFilter(kind=kind)).items():
            total[status] += n
    return total


def tallied(store: Store) -> dict[JobStatus, int]:
    return store.job_counts(JobFilter())


def tally_is_current(store: Store) -> bool:
    return store._tally.counts(store._db.changes) is not None


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "vtm.duckdb")
    yield s
    s.close()


class Moves:
    """Every write the store has that creates, moves or removes jobs, picked at random."""

    def __init__(self, store: Store, rng: random.Random, name: str = "v") -> None:
        self.store, self.rng, self.n, self.name = store, rng, 0, name
        self.videos = [add(store, f"{name}-first-{i}.mp4").id for i in range(3)]

    def any_job(self) -> int:
        rows = self.store.job_page(JobFilter(), limit=200).jobs
        return self.rng.choice(rows).id if rows else 10_000

    def step(self) -> str:
        store, rng = self.store, self.rng
        self.n += 1
        what = rng.choice(["enqueue", "enqueue", "enqueue_again", "claim", "claim", "progress", "placement",
                           "complete", "complete", "fail", "fail_missing", "retry", "release", "recover",
                           "discard", "bulk", "delete_video"])
        try:
            if what == "enqueue":
                kind = rng.choice(KINDS)
                options = (ThumbnailOptions(width=100 + self.n, height=90) if kind is JobKind.THUMBNAIL
                           else SheetOptions(columns=2 + self.n % 6, rows=2))
                store.enqueue_job(rng.choice(self.videos), kind, options, priority=rng.choice([0, 0, 5]))
            elif what == "enqueue_again":  # the same request: the existing job, maybe moved up
                job = store.get_job(self.any_job())
                store.enqueue_job(job.video_id, job.kind, job.options, priority=9)
            elif what == "claim":
                store.claim_next()
            elif what == "progress":
                store.set_progress(self.any_job(), rng.random())
            elif what == "placement":
                store.set_placement(self.any_job(), JobNode("n1", "10.0.0.1", "node-1"), 1)
            elif what == "complete":
                store.mark_completed(self.any_job(), "out.jpg")
            elif what == "fail":
                store.mark_failed(self.any_job(), "Timed out")
            elif what == "fail_missing":
                store.mark_completed(10_000 + self.n, "out.jpg")
            elif what == "retry":
                store.retry(self.any_job())
            elif what == "release":
                store.release(self.any_job())
            elif what == "recover":
                store.recover_running(max_attempts=rng.choice([1, 3]))
            elif what == "discard":
                store.discard_job(self.any_job())
            elif what == "bulk":
                store.insert_jobs_bulk(rng.choice(self.videos), JobKind.THUMBNAIL,
                                       [ThumbnailOptions(width=w, height=50) for w in range(1, rng.randint(2, 40))],
                                       status=rng.choice(list(JobStatus)))
            elif what == "delete_video" and len(self.videos) > 1:
                store.delete_video(self.videos.pop(rng.randrange(len(self.videos))))
                self.videos.append(add(store, f"{self.name}-{self.n}.mp4").id)
        except (NotFound, Conflict):
            pass  # a job that is gone, or not FAILED for a retry: the write changed nothing
        return what


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tally_is_the_database_count_after_every_kind_of_write(store: Store, seed: int) -> None:
    moves = Moves(store, random.Random(seed))
    done: dict[str, int] = {}
    for _ in range(400):
        what = moves.step()
        done[what] = done.get(what, 0) + 1
        assert tallied(store) == counted(store), f"after {what} (step {moves.n})"
    assert min(done.values()) >= 5, done  # every kind of write was tried
    assert sum(counted(store).values()) > 0


def test_a_busy_queue_keeps_the_tally_without_counting_again(store: Store) -> None:
    video = add(store, "busy.mp4").id
    tallied(store)  # counted once
    assert tally_is_current(store)
    for n in range(20):
        job, _ = store.enqueue_job(video, JobKind.THUMBNAIL, ThumbnailOptions(width=200 + n, height=90))
        assert tally_is_current(store), "a new job"
        store.enqueue_job(video, JobKind.THUMBNAIL, ThumbnailOptions(width=200 + n, height=90), priority=3)
        assert tally_is_current(store), "the same request again"
        claimed = store.claim_next()
        assert claimed is not None and claimed.id == job.id and tally_is_current(store), "a claim"
        store.set_progress(job.id, 0.5)
        store.set_placement(job.id, JobNode("n1", "10.0.0.1", "node-1"), 1)
        assert tally_is_current(store), "progress and placement"
        if n % 4:
            store.mark_completed(job.id, "out.jpg")
        else:
            store.mark_failed(job.id, "Timed out")
        assert tally_is_current(store), "the end of a job"
    assert store.claim_next() is None and tally_is_current(store)
    assert tallied(store) == counted(store) == {JobStatus.QUEUED: 0, JobStatus.RUNNING: 0,
                                                 JobStatus.COMPLETED: 15, JobStatus.FAILED: 5}
    # a write that does not say what it does to the counts makes them be counted again
    store.retry(store.job_page(JobFilter(status=JobStatus.FAILED)).jobs[0].id)
    assert not tally_is_current(store)
    assert tallied(store)[JobStatus.QUEUED] == 1 and tally_is_current(store)


def test_writers_and_readers_in_threads_leave_the_tally_equal_to_the_database(store: Store) -> None:
    """Three threads write at random while three read the counts all the time; at the end,
    and whenever a reader's answer could not have moved, the tally is the database's."""
    writers = [Moves(store, random.Random(seed), f"w{seed}") for seed in (11, 12, 13)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(moves: Moves) -> None:
        try:
            for _ in range(80):
                moves.step()
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    def read() -> None:
        while not stop.wait(0.001):
            if min(tallied(store).values()) < 0:
                errors.append(AssertionError(f"a negative count: {tallied(store)}"))

    readers = [threading.Thread(target=read) for _ in range(3)]
    threads = [threading.Thread(target=write, args=(m,)) for m in writers]
    for thread in readers + threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == []
    assert tallied(store) == counted(store)
    assert sum(counted(store).values()) > 30
