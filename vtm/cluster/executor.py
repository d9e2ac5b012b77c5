"""`RayExecutor`: the executor seam (`call(fn, *args, timeout=, progress=)`, raising
CallFailed or Interrupted, as vtm.executors.base says) with the work done by Ray tasks.

A call blocks its worker thread until the task ends; while the cluster is unreachable
it waits, however long (the driver child is restarted meanwhile). `status()` is the
cluster for /api/health and the sidebar; `running()` tells where each call runs."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from vtm import errors
from vtm.cluster import protocol as p
from vtm.cluster.supervisor import CLOSED, Backoff, PendingCall, Supervisor
from vtm.executors.base import POLL_S, CallFailed, Cancel, Cancelled, Interrupted, guarded

log = logging.getLogger(__name__)
Progress = Callable[[float], None]
Placed = Callable[[p.Placement], None]


class RayCallFailed(CallFailed):
    """A call that ended without a result on the cluster. `lost`: every attempt was lost
    with its worker or node; `retryable`: running it again unchanged could succeed."""

    def __init__(self, message: str, traceback: str | None = None, *, user_error: errors.VtmError | None = None,
                 retryable: bool = False, lost: bool = False) -> None:
        super().__init__(message, traceback, user_error=user_error)
        self.retryable = retryable
        self.lost = lost


class RayExecutor:

    def __init__(self, address: str, *, memory_mb: int = 2048, max_retries: int = 2, node_ip: str | None = None,
                 backoff: Backoff | None = None, connect_timeout_s: float = 60.0) -> None:
        if not address:
            raise errors.InvalidInput("VTM_EXECUTOR=ray needs the cluster's address in RAY_ADDRESS (host:port of the head).")
        self.memory_mb = memory_mb
        self.max_retries = max_retries
        self._ids = itertools.count(1)
        self._running: dict[str, tuple[int | None, p.Placement]] = {}
        self._lock = threading.Lock()
        self._supervisor = Supervisor(address, node_ip=node_ip, backoff=backoff, connect_timeout_s=connect_timeout_s)

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, progress: Progress | None = None,
             placed: Placed | None = None, cancelled: Cancel | None = None) -> Any:
        job_id = getattr(args[0], "job_id", None) if args else None
        call_id = f"{job_id if job_id is not None else 'call'}.{next(self._ids)}"
        submit = p.Submit(call_id, job_id, fn, args, progress is not None, timeout, self.memory_mb, self.max_retries)
        report = guarded(progress, cancelled, f"call {call_id}")  # callback errors never escape (vtm.executors.base)
        pending = self._supervisor.submit(submit)
        try:
            return self._wait(call_id, job_id, pending, report, placed, cancelled)
        except Cancelled:
            self._supervisor.cancel(call_id)  # its task is stopped with force; a result is dropped
            raise
        finally:
            self._supervisor.forget(call_id)
            with self._lock:
                self._running.pop(call_id, None)

    def _wait(self, call_id: str, job_id: int | None, pending: PendingCall, report: Progress | None, placed: Placed | None,
              cancelled: Cancel | None) -> Any:
        while True:
            try:
                message = pending.inbox.get(timeout=POLL_S)
            except queue.Empty:
                if cancelled is not None and cancelled():
                    raise Cancelled(f"call {call_id}") from None  # its result, if any, is dropped
                continue
            if message is CLOSED:
                raise Interrupted("VTM is shutting down; the call was stopped.")
            if isinstance(message, p.Started):
                with self._lock:
                    self._running[call_id] = (job_id, message.placement)
                if placed is not None:
                    placed(message.placement)
            elif isinstance(message, p.Progress):
                if report is not None:
                    report(message.fraction)
            elif isinstance(message, p.Done):
                return message.result
            elif isinstance(message, p.Lost):
                raise RayCallFailed(message.message, retryable=True, lost=True)
            elif isinstance(message, p.Failed):
                raise RayCallFailed(message.message, message.traceback, user_error=_user_error(message),
                                    retryable=message.retryable)

    def status(self) -> p.ClusterStatus:
        return self._supervisor.status()

    def slots(self) -> int:
        """How many calls the cluster can run at once now: its CPUs while it is up, else 0
        (the worker pool then leaves jobs QUEUED)."""
        status = self._supervisor.status()
        return int(status.cpus) if status.state == "up" else 0

    def running(self) -> dict[str, tuple[int | None, p.Placement]]:
        """Call id → (job id, where its current attempt runs), for calls that started."""
        with self._lock:
            return dict(self._running)

    @property
    def driver_starts(self) -> int:
        """How many driver child processes were started (1 + restarts)."""
        return self._supervisor.restarts

    def close(self) -> None:
        self._supervisor.close()


def _user_error(failed: p.Failed) -> errors.VtmError | None:
    """The VtmError a task raised (an unreadable video…), rebuilt for the API's answer."""
    if failed.error is None:
        return None
    name, code = failed.error
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and issubclass(cls, errors.VtmError):
        return cls(failed.message, code=code)
    return None
