"""Starting child processes from long-lived threads, within a time limit.

The kernel sends the parent-death signal (PR_SET_PDEATHSIG) when the *thread* that
started a child ends, so a child started from a short-lived request thread would be
killed when that thread retires. Children get `CHILD_ENV` and the project on their path.

A start is given SPAWN_WAIT_S. `subprocess.Popen` waits for the child's exec to close the
write end of its exec-error pipe, and in test runs (7 of about 150 runs of a module whose
server starts three decoder processes at once and replaces a crashed one) that wait never
ended although the child ran: another copy of the write end was open in the server. The
caller of a start that overruns gets `SpawnTimeout` (a replacement is tried by the next
call) and a new thread takes the next starts; the log lists this process's pipes, for
whoever looks for the copy. A start that completes after its caller gave up is stopped.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_ROOT = str(Path(__file__).resolve().parent.parent.parent)
# Keep a child lean: one malloc arena per core and OpenBLAS buffers per core would
# reserve memory that decoding never uses.
CHILD_ENV = {"MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
SPAWN_WAIT_S = 30.0  # a decoder process starts in well under a second, even on a busy machine

Launch = Callable[..., "subprocess.Popen[bytes]"]


class SpawnTimeout(OSError):
    """A child process's start did not return in time."""


class _Request:
    """One start: queued, then taken by a spawner thread, then done; or given up by its
    caller, in which case it is never begun, or the process it made is stopped."""

    def __init__(self, argv: list[str], fd: int) -> None:
        self.argv, self.fd = argv, fd
        self.future: Future[subprocess.Popen[bytes]] = Future()
        self.lock = threading.Lock()
        self.abandoned = False


class Spawner:
    def __init__(self, launch: Launch = subprocess.Popen, wait_s: float = SPAWN_WAIT_S) -> None:
        self._launch, self._wait_s = launch, wait_s
        self._requests: queue.Queue[_Request | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._threads_lock = threading.Lock()
        self._add_thread()

    def _add_thread(self) -> None:
        with self._threads_lock:
            thread = threading.Thread(target=self._loop, name=f"vtm-spawner-{len(self._threads) + 1}", daemon=True)
            self._threads.append(thread)
        thread.start()

    def spawn(self, argv: list[str], fd: int) -> subprocess.Popen[bytes]:
        """Start `argv` with `fd` passed on; the caller may close `fd` once this returns or
        raises (a start given up is never begun after it)."""
        request = _Request(argv, fd)
        self._requests.put(request)
        try:
            return request.future.result(timeout=self._wait_s)
        except TimeoutError:
            pass
        with request.lock:
            if request.future.done():  # finished just now
                return request.future.result()
            request.abandoned = True
        log.warning("a child process did not start in %.0f s (%s); the next start gets a new thread. This "
                    "process's pipes: %s", self._wait_s, " ".join(argv[1:3]), _pipes())
        self._add_thread()  # the stuck one keeps the children it started alive
        raise SpawnTimeout(f"the process did not start in {self._wait_s:.0f} s")

    def _loop(self) -> None:
        env = dict(os.environ, **CHILD_ENV)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PROJECT_ROOT, os.environ.get("PYTHONPATH")]))
        while (request := self._requests.get()) is not None:
            with request.lock:
                if request.abandoned:  # its caller gave up while it waited behind a stuck start
                    continue
            try:
                process = self._launch(request.argv, pass_fds=[request.fd], env=env, stdin=subprocess.DEVNULL)
            except BaseException as exc:  # handed to the caller, who raises it
                request.future.set_exception(exc)
                continue
            if self._hand_over(request, process):
                continue
            log.warning("child process %s started after its caller gave up; stopping it", process.pid)
            process.kill()
            process.wait()

    @staticmethod
    def _hand_over(request: _Request, process: subprocess.Popen[bytes]) -> bool:
        """Give the caller its process; False when the caller gave up meanwhile."""
        with request.lock:
            if request.abandoned:
                return False
            request.future.set_result(process)
            return True

    def close(self) -> None:
        with self._threads_lock:
            count = len(self._threads)
        for _ in range(count):
            self._requests.put(None)


def _pipes() -> str:
    """This process's pipes, `fd→pipe:[inode]`: two descriptors on one inode are copies."""
    found = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int) if os.path.isdir("/proc/self/fd") else []:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("pipe:"):
            found.append(f"{fd}→{target}")
    return ", ".join(found) or "none"
