"""What runs on a Ray node: one call, wrapped so that it says where it runs and how far
it got, sees the data folder where this node mounts it, and keeps to its memory cap.

The wrapper never raises for a failure of the call itself: it returns ("error", ...)
like the local decoder child does, so Ray retries only what it should retry (a worker
or node lost), never a video that cannot be decoded.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ray

from vtm import errors
from vtm.cluster.pathmap import PathMap
from vtm.executors.base import MEMORY_MESSAGE

PROGRESS_EVERY_S = 0.2
MB = 1024 * 1024


class Sink:
    """Collects `started` and `progress` events from tasks; the driver drains it.
    One per driver, placed on the driver's own node (it dies with the driver)."""

    def __init__(self) -> None:
        self._events: list[tuple[Any, ...]] = []

    def started(self, call_id: str, node_id: str, ip: str) -> None:
        self._events.append(("started", call_id, node_id, ip))

    def progress(self, call_id: str, fraction: float) -> None:
        self._events.append(("progress", call_id, fraction))

    def drain(self) -> list[tuple[Any, ...]]:
        events, self._events = self._events, []
        return events


def run_call(sink: Any, call_id: str, fn: Callable[..., Any], args: tuple[Any, ...], with_progress: bool,
             memory_mb: int) -> tuple[Any, ...]:
    node_id = ray.get_runtime_context().get_node_id()
    ip = ray.util.get_node_ip_address()  # type: ignore[no-untyped-call]
    sink.started.remote(call_id, node_id, ip)
    paths = PathMap.from_env(os.environ)
    node_args = tuple(_to_node(arg, paths) for arg in args)
    try:
        with memory_cap(memory_mb):
            if with_progress:
                result = fn(*node_args, _reporter(sink, call_id))
            else:
                result = fn(*node_args)
        mapped = any(a is not b for a, b in zip(node_args, args, strict=True))
        return ("ok", paths.to_app(result) if mapped and isinstance(result, str) else result, node_id, ip)
    except MemoryError:  # also av.error.MemoryError (FFmpeg's ENOMEM)
        return ("error", "MemoryError", MEMORY_MESSAGE, None, traceback.format_exc())
    except errors.VtmError as exc:
        return ("error", type(exc).__name__, exc.message, exc.code, None)
    except Exception as exc:  # a bug or a decoder failure: keep the traceback for us
        return ("error", type(exc).__name__, f"Could not process the video: {exc or type(exc).__name__}", None,
                traceback.format_exc())


def _reporter(sink: Any, call_id: str) -> Callable[[float], None]:
    last = [0.0]

    def report(value: float) -> None:
        now = time.monotonic()
        if value < 1.0 and now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            sink.progress.remote(call_id, float(value))

    return report


def _to_node(arg: Any, paths: PathMap) -> Any:
    """Paths in a call's arguments as this node sees them: strings, and the `source`
    and `dest` of a task (vtm.tasks.Task)."""
    if not paths.pairs:
        return arg
    if isinstance(arg, str):
        node = paths.to_node(arg)
        return arg if node == arg else node
    if dataclasses.is_dataclass(arg) and not isinstance(arg, type):
        values = {name: getattr(arg, name, None) for name in ("source", "dest")}
        changes = {name: paths.to_node(value) for name, value in values.items()
                   if isinstance(value, str) and paths.to_node(value) != value}
        return dataclasses.replace(arg, **changes) if changes else arg
    return arg


@contextmanager
def memory_cap(memory_mb: int) -> Iterator[None]:
    """Cap what this call may add to the worker's writable memory (RLIMIT_DATA), as the
    local decoder child is capped; the worker process outlives the call, so the cap is
    lifted again afterwards."""
    if memory_mb <= 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = _data_bytes() + memory_mb * MB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0
