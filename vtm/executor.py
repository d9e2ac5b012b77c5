"""Where decoding runs: the seam between the worker and the media code.

`ProcessExecutor` keeps a pool of child processes, reused across jobs, one checked out
per call. Each call has a time limit, and each child a memory cap (RLIMIT_AS). A child
that crashes, hangs past its limit or runs out of memory fails that call with a clear
reason and is replaced; the server and other calls go on. `InlineExecutor` runs calls
in the calling thread (tests, benchmarks, `VTM_ISOLATION=thread`).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import resource
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vtm import errors

log = logging.getLogger(__name__)
Progress = Callable[[float], None]
PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


class CallFailed(Exception):
    """A call did not produce a result. `message` is for people, `traceback` for us."""

    def __init__(self, message: str, traceback: str | None = None, *, user_error: errors.VtmError | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.traceback = traceback
        self.user_error = user_error


def _failure(exc: BaseException) -> CallFailed:
    if isinstance(exc, errors.VtmError):
        return CallFailed(exc.message, None, user_error=exc)
    if isinstance(exc, MemoryError):
        return CallFailed("Ran out of memory while decoding (VTM_JOB_MEMORY_MB).", traceback.format_exc())
    return CallFailed(f"Could not process the video: {exc or type(exc).__name__}", traceback.format_exc())


class InlineExecutor:
    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, progress: Progress | None = None) -> Any:
        try:
            if progress is not None:
                return fn(*args, progress)
            return fn(*args)
        except Exception as exc:
            raise _failure(exc) from exc

    def close(self) -> None:
        pass


class ProcessExecutor:
    def __init__(self, size: int, memory_mb: int = 0) -> None:
        self._idle: queue.Queue[_Child] = queue.Queue()
        self._all = [_Child(memory_mb) for _ in range(max(1, size))]
        self._closed = False
        for child in self._all:
            self._idle.put(child)

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, progress: Progress | None = None) -> Any:
        child = self._idle.get()
        try:
            return child.call(fn, args, timeout, progress)
        finally:
            if not self._closed:
                self._idle.put(child)

    @property
    def pids(self) -> list[int]:
        return [c.pid for c in self._all]

    def close(self) -> None:
        self._closed = True
        for child in self._all:
            child.stop()


class _Child:
    """One decoding process, reused call after call, replaced when it dies or hangs."""

    def __init__(self, memory_mb: int) -> None:
        self._memory_mb = memory_mb
        self._start()

    def _start(self) -> None:
        # A fresh interpreter running `python -m vtm.executor`: it does not re-run the
        # parent's __main__ (streamlit, pytest), and a crash in it is only its own.
        self._conn, child_conn = mp.Pipe()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [PROJECT_ROOT, os.environ.get("PYTHONPATH")])))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "vtm.executor", str(child_conn.fileno()), str(self._memory_mb)],
            pass_fds=[child_conn.fileno()], env=env, stdin=subprocess.DEVNULL,
        )
        child_conn.close()

    @property
    def pid(self) -> int:
        return self._process.pid

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float | None, progress: Progress | None) -> Any:
        if self._process.poll() is not None:
            self._restart()
        try:
            self._conn.send((fn, args, progress is not None))
        except (BrokenPipeError, OSError):
            self._restart()
            self._conn.send((fn, args, progress is not None))
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                ready = self._conn.poll(remaining)
            except (EOFError, OSError):
                ready = True
            if not ready:
                self._restart()
                raise CallFailed(f"Timed out after {timeout:.0f} s (VTM_JOB_TIMEOUT_S); the decoder was stopped.")
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                code = self._wait_exit()
                self._restart()
                raise CallFailed(_crash_reason(code)) from None
            if message[0] == "progress":
                if progress is not None:
                    progress(message[1])
            elif message[0] == "ok":
                return message[1]
            else:
                _, name, text, code, tb = message
                cls = getattr(errors, name, None)
                if isinstance(cls, type) and issubclass(cls, errors.VtmError):
                    raise CallFailed(text, None, user_error=cls(text, code=code))
                raise CallFailed(text, tb)

    def _wait_exit(self) -> int | None:
        try:
            return self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _restart(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("decoder process %s did not exit after SIGKILL", self._process.pid)
        self._conn.close()


def _crash_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"The decoder crashed ({name}) on this video; it was restarted."
    return f"The decoder exited unexpectedly (exit code {code}) on this video; it was restarted."


def _child_main(conn: Connection, memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            fn, args, with_progress = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if with_progress:
                result = fn(*args, lambda p: conn.send(("progress", float(p))))
            else:
                result = fn(*args)
            conn.send(("ok", result))
        except errors.VtmError as exc:
            conn.send(("error", type(exc).__name__, exc.message, exc.code, None))
        except MemoryError:
            conn.send(("error", "MemoryError", "Ran out of memory while decoding (VTM_JOB_MEMORY_MB).", None, traceback.format_exc()))
        except Exception as exc:  # a bug or a decoder failure: keep the traceback for us
            conn.send(("error", type(exc).__name__, f"Could not process the video: {exc or type(exc).__name__}", None, traceback.format_exc()))


if __name__ == "__main__":
    _child_main(Connection(int(sys.argv[1])), int(sys.argv[2]))
