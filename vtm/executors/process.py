"""`ProcessExecutor`: a pool of child processes (`python -m vtm.executors.child`),
reused across calls, one checked out per call. Each call has a time limit and each
child a memory cap (RLIMIT_DATA: the memory it can write to, not the address space it
reserves; threaded decoders reserve far more than they use). A child that crashes,
hangs past its limit or runs out of memory fails that call with a clear reason and is
replaced; the server and other calls go on. Children die with the server, even
`kill -9`ed: each sets PR_SET_PDEATHSIG (Linux) and watches its parent's PID.

Integrity: every request carries a call id and every answer (progress, result, error)
carries it back; an answer with another id is refused. A call that ends in any way but
a clean answer to it replaces its child. Errors raised by a progress callback never
escape the call (logged once); only `Cancelled` stops it.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from vtm import errors
from vtm.executors.base import POLL_S, CallFailed, Cancel, Cancelled, Interrupted, Placed, Progress, guarded
from vtm.executors.spawner import Spawner

log = logging.getLogger(__name__)
T = TypeVar("T")
# A new child loads PyAV and OpenCV before it says "ready"; a call's time limit starts after.
STARTUP_TIMEOUT_S = 60.0


class ProcessExecutor:
    def __init__(self, size: int, memory_mb: int = 0, warm_up: str = "") -> None:
        """`size` children, each capped at `memory_mb` (0: no cap), each running `warm_up`
        (`module:function`) once before its first call."""
        self._spawner = Spawner()
        self._idle: queue.Queue[_Child] = queue.Queue()
        self._closed = threading.Event()
        call_ids = itertools.count(1)  # unique across this executor's children
        self._all: list[_Child] = []
        try:
            for _ in range(max(1, size)):
                self._all.append(_Child(memory_mb, self._spawner, call_ids, warm_up))
        except BaseException:  # a child did not start (SpawnTimeout): nothing of this executor is left running
            self.close()
            raise
        for child in self._all:
            self._idle.put(child)

    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None, progress: Progress | None = None,
             cancelled: Cancel | None = None, placed: Placed | None = None) -> T:
        child = self._checkout()
        try:
            result: T = child.call(fn, args, timeout, progress, cancelled)
            return result
        except CallFailed:
            if self._closed.is_set():
                raise Interrupted("VTM is shutting down; the call was stopped.") from None
            raise
        finally:
            self._idle.put(child)

    def _checkout(self) -> _Child:
        while True:
            if self._closed.is_set():
                raise Interrupted("VTM is shutting down.")
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    @property
    def pids(self) -> list[int]:
        return [c.pid for c in self._all]

    def close(self) -> None:
        self._closed.set()
        for child in self._all:
            child.close()
        self._spawner.close()


class _Child:
    """One decoding process, reused call after call. A call that ends in any way but a
    clean answer to *that* call (a crash, a timeout, an answer carrying another call's
    id, a cancel, an error in this process while waiting) replaces the process, so
    the next call never reads what was meant for an earlier one."""

    def __init__(self, memory_mb: int, spawner: Spawner, call_ids: itertools.count[int], warm_up: str = "") -> None:
        self._memory_mb = memory_mb
        self._warm_up = warm_up
        self._spawner = spawner
        self._call_ids = call_ids
        self._closed = False
        # Stopping, replacing and closing happen under one lock: `close` (the server's stop) and
        # a running call's own replacement can meet, and two closes of one pipe could close a
        # file descriptor the process has meanwhile reused for something else (CI saw EBADF);
        # nor may a replacement start a child after `close`.
        self._lock = threading.RLock()
        self._start()

    def _start(self) -> None:
        # A fresh interpreter running `python -m vtm.executors.child`: it does not re-run the
        # parent's __main__ (streamlit, pytest), and a crash in it is only its own.
        conn, child_conn = mp.Pipe()
        argv = [sys.executable, "-m", "vtm.executors.child", str(child_conn.fileno()), str(self._memory_mb), str(os.getpid()),
                self._warm_up]
        try:
            process = self._spawner.spawn(argv, child_conn.fileno())
        except BaseException:
            conn.close()
            raise
        finally:
            child_conn.close()
        self._conn, self._process, self._ready = conn, process, False

    def _wait_ready(self) -> None:
        """Wait for a new child's "ready" (its imports done), so that the call's time
        limit measures the call, not the start-up of a busy machine."""
        try:
            ready = self._conn.poll(STARTUP_TIMEOUT_S) and self._conn.recv() == ("ready",)
        except (EOFError, OSError):
            ready = False
        if not ready:
            code = self._process.poll()
            self.stop()
            raise CallFailed(f"The decoder process did not start (exit code {code}); see the server log.")
        self._ready = True

    @property
    def pid(self) -> int:
        return self._process.pid

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None, progress: Progress | None,
             cancelled: Cancel | None = None) -> Any:
        call_id = next(self._call_ids)
        report = guarded(progress, cancelled, f"call {call_id}")
        clean = False
        try:
            self._send((call_id, fn, args, progress is not None))
            answer = self._await(call_id, timeout, report, cancelled)
            clean = True
        except (CallFailed, Cancelled):
            raise
        except Exception as exc:  # e.g. arguments that do not pickle: the call fails, nothing hangs
            raise CallFailed(f"The decoder could not run this job ({exc or type(exc).__name__}); see the server log.",
                             traceback.format_exc()) from exc
        finally:
            if not clean:
                self._replace()
        if answer[0] == "ok":
            return answer[2]
        return self._raise(answer)

    def _send(self, request: tuple[Any, ...]) -> None:
        if self._process.poll() is not None:
            self._replace(raising=True)
        if not self._ready:
            self._wait_ready()
        try:
            self._conn.send(request)
        except (BrokenPipeError, OSError):  # died while idle: the call has not started yet
            self._replace(raising=True)
            self._wait_ready()
            self._conn.send(request)

    def _await(self, call_id: int, timeout: float | None, report: Progress | None, cancelled: Cancel | None) -> tuple[Any, ...]:
        """The child's answer to `call_id`; raises CallFailed for anything else."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            wait = POLL_S if remaining is None else min(POLL_S, remaining)
            try:
                ready = self._conn.poll(wait)
            except (EOFError, OSError):
                ready = True
            if not ready:
                if cancelled is not None and cancelled():
                    raise Cancelled(f"call {call_id}")
                if remaining is not None and remaining <= wait:
                    raise CallFailed(f"Timed out after {timeout:.0f} s (VTM_JOB_TIMEOUT_S); the decoder was stopped and replaced.")
                continue
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                raise CallFailed(_crash_reason(self._wait_exit())) from None
            except Exception as exc:  # an answer that does not unpickle
                raise CallFailed(f"The decoder's answer could not be read ({exc}); it was replaced.") from None
            if not isinstance(message, tuple) or len(message) < 2 or message[1] != call_id:
                log.warning("call %s: the decoder answered %r instead; refused, the decoder is replaced", call_id,
                            message[:2] if isinstance(message, tuple) else type(message).__name__)
                raise CallFailed("The decoder answered for another job; the answer was refused and the decoder "
                                 "replaced. Retry this job.")
            if message[0] == "progress":
                if report is not None:
                    report(message[2])
                continue
            return message

    def _raise(self, message: tuple[Any, ...]) -> Any:
        _, _, name, text, code, tb = message
        if name == "MemoryError":
            self._replace()  # a child that hit its cap may be left fragmented or half-initialised
            raise CallFailed(text, tb)
        cls = getattr(errors, name, None)
        if isinstance(cls, type) and issubclass(cls, errors.VtmError):
            raise CallFailed(text, None, user_error=cls(text, code=code))
        raise CallFailed(text, tb)

    def _wait_exit(self) -> int | None:
        try:
            return self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _replace(self, *, raising: bool = False) -> None:
        """Stop this child and start a new one (not when closed). Called from `finally`,
        so it raises only when asked to: a failed start is retried by the next call."""
        with self._lock:
            old = self._process.pid
            self.stop()
            if self._closed:
                if raising:
                    raise CallFailed("VTM is shutting down; the decoder was stopped.")
                return
            try:
                self._start()
            except Exception as exc:
                if raising:
                    raise CallFailed(f"The decoder process could not be started ({exc}); see the server log.") from None
                log.warning("decoder process %s stopped; starting its replacement failed (%s), the next call retries", old, exc)
                return
        log.info("decoder process %s replaced by %s", old, self._process.pid)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self.stop()

    def stop(self) -> None:
        """Kill the process, wait for it, close the pipe; again, it does nothing more."""
        with self._lock:
            if self._process.poll() is None:
                self._process.kill()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log.error("decoder process %s did not exit after SIGKILL", self._process.pid)
            self._conn.close()  # a closed Connection's close does nothing


def _crash_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (killed by the system: probably out of memory)" if -code == signal.SIGKILL else ""
        return f"The decoder crashed ({name}{hint}) on this video; it was restarted."
    return f"The decoder exited unexpectedly (exit code {code}) on this video; it was restarted."
