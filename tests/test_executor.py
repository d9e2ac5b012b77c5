"""The process executor: a child that crashes, hangs or runs out of memory fails that
call with a clear reason and is replaced; other calls go on; children die with the
server; the default memory cap leaves room for real 1080p and 4K decoding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import media
from vtm import assembly, errors
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.executors.base import MEMORY_MESSAGE, CallFailed, Interrupted
from vtm.executors.process import ProcessExecutor
from vtm.kinds.moment import AUTO
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind, JobStatus
from vtm.tasks import Task, run

ROOT = Path(__file__).resolve().parent.parent


# -- functions the child runs (importable by name, so picklable) ----------------------
def add(a: int, b: int) -> int:
    return a + b


def my_pid() -> int:
    return os.getpid()


def threads_of_a_job(path: str) -> tuple[int, int, int]:
    """(OpenCV's threads, decoding threads of a file opened as a job opens it, and as a
    picture for a page opens it) in this process."""
    import cv2

    from vtm.media.decoder import decode_threads, open_video

    with decode_threads(1), open_video(Path(path)) as (_, job_stream):
        job = job_stream.codec_context.thread_count
    with open_video(Path(path)) as (_, page_stream):
        page = page_stream.codec_context.thread_count
    return cv2.getNumThreads(), job, page


def abort() -> None:
    os.abort()


def exit_quietly() -> None:
    os._exit(7)


def sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def hog(mb: int) -> int:
    hoard = [bytearray(1024 * 1024) for _ in range(mb)]
    return len(hoard)


def refuse() -> None:
    raise errors.Unsupported("It is not a video.", code="not_video")


def thumbnail_and_memory(source: str, dest: str) -> dict[str, int]:
    """Make an `auto` thumbnail (the heaviest read: several frames) and report the
    child's memory: peak resident (VmHWM), peak address space (VmPeak), data now."""
    task = Task(1, JobKind.THUMBNAIL, ThumbnailOptions(width=320, height=180, at=AUTO), source, None, dest)
    run(task, lambda _: None)
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {key: int(status[key].split()[0]) // 1024 for key in ("VmHWM", "VmPeak", "VmData")}


# -- fixtures ---------------------------------------------------------------------------
@pytest.fixture
def pool() -> Iterator[ProcessExecutor]:
    executor = ProcessExecutor(2, memory_mb=600)
    yield executor
    executor.close()


def pid_of(pool: ProcessExecutor) -> set[int]:
    return set(pool.pids)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is dead for our purpose
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


# -- failures are the call's own --------------------------------------------------------
@pytest.mark.parametrize(
    ("fn", "args", "timeout", "reason"),
    [
        (abort, (), None, "The decoder crashed (SIGABRT)"),
        (exit_quietly, (), None, "exited unexpectedly (exit code 7)"),
        (sleep, (30,), 1.0, "Timed out after 1 s"),
        (hog, (5000,), None, MEMORY_MESSAGE),
    ],
    ids=["abort", "exit", "hang", "out-of-memory"],
)
def test_a_failing_child_fails_its_call_and_is_replaced(pool: ProcessExecutor, fn: object, args: tuple, timeout: float | None, reason: str) -> None:
    before = pid_of(pool)
    started = time.monotonic()
    with pytest.raises(CallFailed) as failed:
        pool.call(fn, *args, timeout=timeout)  # type: ignore[arg-type]
    assert reason in failed.value.message
    assert "Traceback" not in failed.value.message
    assert failed.value.user_error is None
    assert time.monotonic() - started < (timeout or 0) + 10
    after = pid_of(pool)
    assert len(after - before) == 1, "exactly the failed child is replaced"
    # the pool works on: both children (the new one included) answer
    replaced = time.monotonic()
    results = [pool.call(add, i, 1, timeout=30) for i in range(4)]
    assert results == [1, 2, 3, 4]
    print(f"\n{fn.__name__}: replaced child answered within {time.monotonic() - replaced:.2f} s")  # type: ignore[attr-defined]


def test_other_calls_go_on_while_one_child_hangs(pool: ProcessExecutor) -> None:
    warm = [threading.Thread(target=pool.call, args=(sleep, 0.3)) for _ in range(2)]  # both children up
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join(60)
    outcome: dict[str, object] = {}

    def hang() -> None:
        try:
            pool.call(sleep, 60, timeout=5.0)
        except CallFailed as exc:
            outcome["hang"] = exc.message

    thread = threading.Thread(target=hang)
    thread.start()
    time.sleep(0.3)
    done = [pool.call(add, i, i, timeout=30) for i in range(20)]
    still_hanging = thread.is_alive()
    thread.join(20)
    assert done == [2 * i for i in range(20)]
    assert still_hanging, "the other calls had to wait for the hanging one"
    assert "Timed out" in str(outcome["hang"])


def test_user_errors_keep_their_type_and_do_not_restart(pool: ProcessExecutor) -> None:
    before = pid_of(pool)
    with pytest.raises(CallFailed) as failed:
        pool.call(refuse)
    assert isinstance(failed.value.user_error, errors.Unsupported)
    assert failed.value.user_error.code == "not_video"
    assert pid_of(pool) == before


def test_a_warm_child_runs_a_job_on_one_core(videos: dict[str, Path]) -> None:
    # One child per core: a job that also spread its decoding (FFmpeg's default of 0 threads
    # is "every core") and its resizes (OpenCV's pool) over all of them made the children
    # compete, and 2 workers ran only 1.4x as many jobs as 1 (bench: queue scaling).
    executor = ProcessExecutor(1, memory_mb=600, warm_up=assembly.WARM_UP)
    try:
        cv2_threads, job, page = executor.call(threads_of_a_job, str(videos["landscape"]), timeout=60)
    finally:
        executor.close()
    assert (cv2_threads, job) == (1, 1)
    assert page == 0  # outside a job (a page's picture, the CLI): FFmpeg picks, on every core


def test_children_are_reused_not_started_per_call(pool: ProcessExecutor) -> None:
    pids = {pool.call(my_pid) for _ in range(10)}
    assert pids <= pid_of(pool) and len(pids) <= 2


def test_close_interrupts_a_running_call() -> None:
    executor = ProcessExecutor(1, memory_mb=600)
    caught: list[BaseException] = []

    def long_call() -> None:
        try:
            executor.call(sleep, 60, timeout=120)
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=long_call)
    thread.start()
    time.sleep(0.5)
    (pid,) = executor.pids
    started = time.monotonic()
    executor.close()
    thread.join(10)
    assert time.monotonic() - started < 6
    assert caught and isinstance(caught[0], Interrupted)
    assert not alive(pid)
    with pytest.raises(Interrupted):
        executor.call(add, 1, 2)


# -- children die with their parent, even a kill -9 mid-decode ------------------------------
PARENT = textwrap.dedent(
    """
    import sys, threading, time
    from tests.test_executor import sleep
    from vtm.executors.process import ProcessExecutor
    pool = ProcessExecutor(2, memory_mb=600)
    threading.Thread(target=pool.call, args=(sleep, 600), kwargs={"timeout": 900}, daemon=True).start()
    print(" ".join(map(str, pool.pids)), flush=True)
    time.sleep(600)
    """
)


def test_children_die_when_the_server_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert parent.stdout is not None
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(p) for p in pids)
        time.sleep(1.5)  # one child is busy in its call, the other idle: both must go
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
        deadline = time.monotonic() + 5
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [p for p in pids if alive(p)]
        assert not orphans, f"decoder processes outlived the server: {orphans}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


# -- the default memory cap fits real decoding -------------------------------------------------
@pytest.fixture(scope="module")
def big_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    return {
        "1080p h264": media.clip(folder / "1080p.mp4", width=1920, height=1080, seconds=0.6),
        "4K h264": media.clip(folder / "4k.mp4", width=3840, height=2160, seconds=0.4),
        "4K hevc": media.clip(folder / "4k.mkv", width=3840, height=2160, seconds=0.2, codec="libx265"),
    }


@pytest.mark.slow
def test_default_memory_cap_leaves_room_for_real_decoding(big_clips: dict[str, Path], tmp_path: Path) -> None:
    cap = Settings().job_memory_mb
    executor = ProcessExecutor(1, memory_mb=cap)
    try:
        for name, path in big_clips.items():
            memory = executor.call(thumbnail_and_memory, str(path), str(tmp_path / "t.jpg"), timeout=120)
            print(f"\n{name}: peak RSS {memory['VmHWM']} MB, peak address space {memory['VmPeak']} MB, "
                  f"data {memory['VmData']} MB (cap {cap} MB)")
            assert memory["VmHWM"] < cap / 2, f"{name} uses more than half the default cap"
    finally:
        executor.close()


# -- through the workers: the bad job fails, the others complete ---------------------------------
@pytest.fixture
def process_rt(tmp_path: Path) -> Iterator[Assembly]:
    settings = Settings(data_dir=tmp_path / "data", workers=2, isolation="process", test_hooks=True,
                        job_timeout_s=5.0, job_memory_mb=600)
    with assembly.build(settings, start_workers=False).install() as started:
        yield started


@pytest.mark.parametrize(
    ("kind", "options", "reason"),
    [
        (JobKind.CRASH, {}, "The decoder crashed (SIGABRT)"),
        (JobKind.HANG, {"seconds": 60}, "Timed out after 5 s"),
        (JobKind.HOG, {"mb": 5000}, MEMORY_MESSAGE),
    ],
)
def test_a_misbehaving_job_fails_alone(process_rt: Assembly, videos: dict[str, Path], kind: JobKind, options: dict, reason: str) -> None:
    rt = process_rt
    video = rt.service.add_local_file(videos["landscape"])
    bad, _ = rt.service.request_output(video.id, kind, options)
    good = [rt.service.request_thumbnail(video.id, 64 + i, 48) for i in range(4)]
    before = set(rt.jobs_executor.pids)  # type: ignore[union-attr]
    rt.workers.start(2)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(rt.store.get_job(j.id).status.finished for j in [bad, *good]):
            time.sleep(0.1)
    finally:
        rt.workers.stop()
    failed = rt.store.get_job(bad.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and reason in failed.error
    for job in good:
        done = rt.store.get_job(job.id)
        assert done.status is JobStatus.COMPLETED, done.error
        assert rt.service.output_file(done).read_bytes()[:3] == b"\xff\xd8\xff"
    assert len(set(rt.jobs_executor.pids) - before) == 1  # type: ignore[union-attr]


# -- a start that never returns ------------------------------------------------------------------
def test_a_start_that_never_returns_is_given_up_and_the_next_one_gets_a_new_thread(caplog: pytest.LogCaptureFixture) -> None:
    """`subprocess.Popen` once blocked for good on its exec-error pipe (the spawner's
    docstring). Here the first start blocks the same way until the test lets it go: its
    caller gets SpawnTimeout within the limit, the next start is made by a new thread at
    once, and the late process, when the stuck start finally returns, is stopped."""
    import socket

    from vtm.executors.spawner import Spawner, SpawnTimeout

    release = threading.Event()
    made: dict[str, subprocess.Popen[bytes]] = {}

    def launch(argv: list[str], **options: object) -> subprocess.Popen[bytes]:
        name = argv[-1]
        if name == "stuck":
            release.wait(60)  # as Popen waiting on a pipe whose write end never closes
        made[name] = subprocess.Popen(argv, **options)  # type: ignore[call-overload]
        return made[name]

    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    spawner = Spawner(launch, wait_s=2.0)
    ours, theirs = socket.socketpair()
    try:
        started = time.monotonic()
        with pytest.raises(SpawnTimeout):
            spawner.spawn([*sleeper, "stuck"], theirs.fileno())
        assert 1.9 < time.monotonic() - started < 5
        assert "did not start in 2 s" in caplog.text and "pipes:" in caplog.text
        started = time.monotonic()
        second = spawner.spawn([*sleeper, "next"], theirs.fileno())
        assert time.monotonic() - started < 2 and second.poll() is None  # not queued behind the stuck one
        release.set()
        deadline = time.monotonic() + 20
        while ("stuck" not in made or made["stuck"].poll() is None) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert made["stuck"].returncode == -signal.SIGKILL  # started after its caller gave up: stopped
        assert second.poll() is None
    finally:
        release.set()
        for process in made.values():
            process.kill()
            process.wait()
        spawner.close()
        ours.close()
        theirs.close()
