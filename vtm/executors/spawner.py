"""Starting child processes from one long-lived thread.

The kernel sends the parent-death signal (PR_SET_PDEATHSIG) when the *thread* that
started a child ends, so a child started from a short-lived request thread would be
killed when that thread retires. Children get `CHILD_ENV` and the project on their path.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from concurrent.futures import Future
from pathlib import Path

PROJECT_ROOT = str(Path(__file__).resolve().parent.parent.parent)
# Keep a child lean: one malloc arena per core and OpenBLAS buffers per core would
# reserve memory that decoding never uses.
CHILD_ENV = {"MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


class Spawner:
    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[Future[subprocess.Popen[bytes]], list[str], int] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="vtm-spawner", daemon=True)
        self._thread.start()

    def spawn(self, argv: list[str], fd: int) -> subprocess.Popen[bytes]:
        future: Future[subprocess.Popen[bytes]] = Future()
        self._requests.put((future, argv, fd))
        return future.result()

    def _loop(self) -> None:
        env = dict(os.environ, **CHILD_ENV)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PROJECT_ROOT, os.environ.get("PYTHONPATH")]))
        while (request := self._requests.get()) is not None:
            future, argv, fd = request
            try:
                future.set_result(subprocess.Popen(argv, pass_fds=[fd], env=env, stdin=subprocess.DEVNULL))
            except BaseException as exc:  # handed to the caller, who raises it
                future.set_exception(exc)

    def close(self) -> None:
        self._requests.put(None)
