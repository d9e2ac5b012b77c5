"""The Ray driver child: `python -m vtm.cluster.driver FD PARENT_PID ADDRESS [NODE_IP]`.

It connects to the cluster, then submits each call it receives as a Ray task
(`num_cpus=1`, a `memory` request, `max_retries`), relays `started`/`progress` from
the tasks (through a `Sink` actor on its own node), force-cancels a call past its time
limit, and answers done | failed | lost. It reports the cluster's nodes every few
seconds. When it cannot reach the cluster it says so and exits; when the cluster goes
away under it, Ray ends this process after 60 s. Either way the parent restarts it.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from vtm.cluster import protocol as p
from vtm.cluster.auth import enable_token_auth_if_available

STATUS_EVERY_S = 2.0
TICK_S = 0.1
CANCEL_GRACE_S = 30.0
EXIT_UNREACHABLE = 3
log = logging.getLogger(__name__)


@dataclass
class _Run:
    submit: p.Submit
    ref: Any
    attempts: int = 0
    started_at: float | None = None
    timed_out_at: float | None = None


class Driver:
    def __init__(self, conn: Connection, address: str, node_ip: str | None) -> None:
        import ray

        self.ray = ray
        self.conn = conn
        self.address = address
        self.node_ip = node_ip
        self._send_lock = threading.Lock()
        self._runs: dict[str, _Run] = {}
        self._runs_lock = threading.Lock()
        self._finished: queue.Queue[tuple[str, Future[Any]]] = queue.Queue()
        self._stopping = threading.Event()
        self._names: dict[str, str] = {}

    # -- connecting ---------------------------------------------------------------
    def connect(self) -> None:
        ray = self.ray
        ray.init(address=self.address, _node_ip_address=self.node_ip or None, log_to_driver=False,
                 logging_level=logging.WARNING, namespace="vtm")
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        from vtm.cluster.remote import Sink, run_call

        here = ray.get_runtime_context().get_node_id()
        self.sink = ray.remote(num_cpus=0)(Sink).options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(here, soft=False)).remote()
        ray.get(self.sink.drain.remote(), timeout=60)
        self.task = ray.remote(num_cpus=1)(run_call)
        self.send_status()

    def send_status(self) -> None:
        nodes = tuple(
            p.NodeInfo(n["NodeID"], n["NodeManagerAddress"], n.get("NodeName") or n["NodeManagerAddress"],
                       float(n.get("Resources", {}).get("CPU", 0.0)), bool(n["Alive"]))
            for n in self.ray.nodes() if n["Alive"]  # type: ignore[no-untyped-call]
        )
        self._names.update({node.node_id: node.name for node in nodes})
        self.send(p.Status(p.ClusterStatus("up", self.address, nodes)))

    def send(self, message: Any) -> None:
        with self._send_lock:
            self.conn.send(message)

    # -- the loop -----------------------------------------------------------------
    def serve(self) -> None:
        threading.Thread(target=self._read, name="vtm-driver-read", daemon=True).start()
        last_status = time.monotonic()
        while not self._stopping.is_set():
            try:
                first: tuple[str, Future[Any]] | None = self._finished.get(timeout=TICK_S)
            except queue.Empty:
                first = None
            if self._runs or first is not None:
                self._drain_sink()
            while first is not None:
                self._finish(*first)
                try:
                    first = self._finished.get_nowait()
                except queue.Empty:
                    first = None
            self._check_deadlines()
            if time.monotonic() - last_status >= STATUS_EVERY_S:
                self.send_status()
                last_status = time.monotonic()
        self.ray.shutdown()

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                message = p.Stop()
            if isinstance(message, p.Submit):
                self._submit(message)
            elif isinstance(message, p.Cancel):
                with self._runs_lock:
                    run = self._runs.get(message.call_id)
                if run is not None:
                    self.ray.cancel(run.ref, force=True)
            elif isinstance(message, p.Stop):
                self._stopping.set()
                return

    def _submit(self, submit: p.Submit) -> None:
        ref = self.task.options(memory=max(1, submit.memory_mb) * 1024 * 1024, max_retries=submit.max_retries,
                                retry_exceptions=False).remote(
            self.sink, submit.call_id, submit.fn, submit.args, submit.with_progress, submit.memory_mb)
        with self._runs_lock:
            self._runs[submit.call_id] = _Run(submit, ref)
        future = ref.future()
        future.add_done_callback(lambda f, call_id=submit.call_id: self._finished.put((call_id, f)))

    def _drain_sink(self) -> None:
        try:
            events = self.ray.get(self.sink.drain.remote(), timeout=10)
        except self.ray.exceptions.GetTimeoutError:
            return
        for event in events:
            with self._runs_lock:
                run = self._runs.get(event[1])
            if run is None:
                continue  # an attempt of a call that already ended
            if event[0] == "started":
                self._started(run, event[2], event[3])
            elif run.started_at is not None:
                self.send(p.Progress(run.submit.call_id, event[2]))

    def _started(self, run: _Run, node_id: str, ip: str) -> None:
        run.attempts += 1
        run.started_at = time.monotonic()
        if node_id not in self._names:
            self.send_status()
        name = self._names.get(node_id, ip)
        self.send(p.Started(run.submit.call_id, p.Placement(node_id, ip, name, run.attempts)))

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        with self._runs_lock:
            runs = list(self._runs.values())
        for run in runs:
            limit = run.submit.timeout_s
            if run.timed_out_at is not None:
                if now - run.timed_out_at > CANCEL_GRACE_S:  # the cancel never came back: give up waiting
                    self._forget(run)
                    self.send(p.Failed(run.submit.call_id, _timeout_message(limit)))
            elif limit is not None and run.started_at is not None and now - run.started_at > limit:
                run.timed_out_at = now
                self.ray.cancel(run.ref, force=True)

    def _forget(self, run: _Run) -> bool:
        with self._runs_lock:
            return self._runs.pop(run.submit.call_id, None) is not None

    def _finish(self, call_id: str, future: Future[Any]) -> None:
        with self._runs_lock:
            run = self._runs.pop(call_id, None)
        if run is None:
            return
        try:
            value = future.result()
        except Exception as exc:  # Ray's own errors: cancelled, worker or node lost, out of memory
            self.send(_ray_failure(self.ray.exceptions, run, exc))
            return
        if run.attempts == 0:  # done before its `started` reached the sink: say where it ran
            self._started(run, value[-2] if value[0] == "ok" else "", value[-1] if value[0] == "ok" else "")
        if value[0] == "ok":
            self.send(p.Done(call_id, value[1]))
            return
        _, name, message, code, tb = value
        error = None if name == "MemoryError" else (name, code)
        self.send(p.Failed(call_id, message, error=error, traceback=tb))


def _timeout_message(limit: float | None) -> str:
    return f"Timed out after {limit or 0:.0f} s (VTM_JOB_TIMEOUT_S); the task was cancelled with force."


def _ray_failure(exceptions: Any, run: _Run, exc: BaseException) -> p.Failed | p.Lost:
    call_id = run.submit.call_id
    if run.timed_out_at is not None:
        return p.Failed(call_id, _timeout_message(run.submit.timeout_s))
    if isinstance(exc, exceptions.TaskCancelledError):
        return p.Failed(call_id, "The task was cancelled.", retryable=True)
    if isinstance(exc, exceptions.OutOfMemoryError):
        return p.Failed(call_id, "The node ran out of memory while this job ran (Ray's memory monitor stopped it); "
                                 "lower VTM_WORKERS or give the nodes more memory.", retryable=True)
    tries = run.submit.max_retries + 1
    if isinstance(exc, exceptions.WorkerCrashedError):
        return p.Lost(call_id, f"The worker process running this job died {tries} time(s) (a decoder crash or a "
                               "node lost); Ray's retries ran out.", run.attempts)
    if isinstance(exc, (exceptions.NodeDiedError, exceptions.LocalRayletDiedError, exceptions.ObjectLostError)):
        return p.Lost(call_id, f"The node running this job was lost {tries} time(s); Ray's retries ran out.",
                      run.attempts)
    return p.Failed(call_id, f"Ray could not run the job: {type(exc).__name__}: {exc}", retryable=True)


def reachable(address: str, timeout: float = 3.0) -> str | None:
    """None when something listens at the cluster's address, else why not. Checked
    before `ray.init`, which would wait for a missing cluster for minutes."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return f"RAY_ADDRESS={address!r} is not host:port (the head's GCS address, e.g. 10.0.0.5:6379)."
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return None
    except OSError as exc:
        return f"cannot reach the Ray head at {address}: {exc.strerror or exc}"


def main(argv: list[str]) -> int:
    from vtm.executors.child import die_with_parent

    fd, parent_pid, address = int(argv[0]), int(argv[1]), argv[2]
    node_ip = argv[3] if len(argv) > 3 else None
    conn = Connection(fd)
    die_with_parent(parent_pid)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s vtm-ray-driver %(levelname)s %(message)s")
    enable_token_auth_if_available(os.environ, Path.home())
    reason = reachable(address)
    if reason is None:
        driver = Driver(conn, address, node_ip)
        try:
            driver.connect()
        except Exception as exc:  # ConnectionError after 20 s (wrong token, not a Ray head), auth errors…
            reason = f"could not connect to the Ray cluster at {address}: {type(exc).__name__}: {exc}"
        else:
            driver.serve()
            return 0
    conn.send(p.Status(p.ClusterStatus("unreachable", address, reason=reason)))
    return EXIT_UNREACHABLE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
