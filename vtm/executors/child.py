"""The child side of `vtm.executors.process`: one decoding process, started as
`python -m vtm.executors.child FD MEMORY_MB PARENT_PID [WARM_UP]`. It dies with the
server, caps its own memory, runs `WARM_UP` (`module:function`, e.g. loading PyAV and
OpenCV), says "ready", then answers requests one at a time. Every request carries a call id and every answer (progress,
result, error) carries it back."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection

from vtm import errors
from vtm.executors.base import MEMORY_MESSAGE


def die_with_parent(parent_pid: int) -> None:
    """Exit when the server exits, however it ends: the kernel's parent-death signal
    where there is one, and a watcher thread that notices a new parent PID (a decode
    holding the GIL delays the watcher, not the signal)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="vtm-parent-watch", daemon=True).start()


def _limit_memory(memory_mb: int) -> None:
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _child_main(conn: Connection, memory_mb: int, parent_pid: int, warm_up: str = "") -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)
    _limit_memory(memory_mb)
    if warm_up:  # before "ready": a call's time limit measures the call, not the imports
        module, _, name = warm_up.partition(":")
        getattr(importlib.import_module(module), name)()

    conn.send(("ready",))
    while True:
        try:
            call_id, fn, args, with_progress = conn.recv()
        except (EOFError, OSError):
            return
        # Every answer carries the id of the request it belongs to.
        try:
            if with_progress:
                result = fn(*args, lambda p, call_id=call_id: conn.send(("progress", call_id, float(p))))
            else:
                result = fn(*args)
            conn.send(("ok", call_id, result))
        except MemoryError:  # also av.error.MemoryError (FFmpeg's ENOMEM)
            conn.send(("error", call_id, "MemoryError", MEMORY_MESSAGE, None, traceback.format_exc()))
        except errors.VtmError as exc:
            conn.send(("error", call_id, type(exc).__name__, exc.message, exc.code, None))
        except Exception as exc:  # a bug or a decoder failure: keep the traceback for us
            conn.send(("error", call_id, type(exc).__name__, f"Could not process the video: {exc or type(exc).__name__}", None,
                       traceback.format_exc()))


def main(argv: list[str]) -> None:
    _child_main(Connection(int(argv[0])), int(argv[1]), int(argv[2]), argv[3] if len(argv) > 3 else "")


if __name__ == "__main__":
    main(sys.argv[1:])
