"""The app side of the driver child: keeps one child running, restarts it with backoff
when it exits (cluster unreachable, or gone for over 60 s), and routes its answers to
the calls waiting for them. Calls in flight when a child ends are sent again to the
next one; until a child is up they wait. Nothing here fails a call for an outage."""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from vtm.cluster import protocol as p
from vtm.executors.spawner import Spawner

log = logging.getLogger(__name__)
CLOSED = object()  # put in a call's inbox when the executor closes


@dataclass
class Backoff:
    first_s: float = 0.5
    most_s: float = 10.0

    def after(self, delay: float) -> float:
        """The wait after one of `delay`: twice as long, up to `most_s`."""
        return min(delay * 2, self.most_s)


@dataclass
class PendingCall:
    submit: p.Submit
    inbox: queue.Queue[Any] = field(default_factory=queue.Queue)
    generation: int = 0  # the child it was last sent to; 0 = not sent
    attempts_before: int = 0  # attempts seen by children that have since ended
    attempts_now: int = 0


class Supervisor:
    def __init__(self, address: str, *, node_ip: str | None = None, backoff: Backoff | None = None,
                 connect_timeout_s: float = 60.0, stale_after_s: float = 10.0) -> None:
        self.address = address
        self.node_ip = node_ip
        self.backoff = backoff or Backoff()
        self.connect_timeout_s = connect_timeout_s
        self.stale_after_s = stale_after_s
        self._spawner = Spawner()
        self._lock = threading.Lock()
        self._calls: dict[str, PendingCall] = {}
        self._status = p.ClusterStatus("starting", address)
        self._conn: Connection | None = None
        self._generation = 0
        self._up = False
        self._generation_was_up = False
        self._closed = threading.Event()
        self.restarts = 0
        self._thread = threading.Thread(target=self._supervise, name="vtm-ray-supervisor", daemon=True)
        self._thread.start()

    # -- used by the executor ------------------------------------------------------
    def submit(self, submit: p.Submit) -> PendingCall:
        call = PendingCall(submit)
        with self._lock:
            if self._closed.is_set():
                call.inbox.put(CLOSED)
                return call
            self._calls[submit.call_id] = call
            if self._up:
                self._send_call(call)
        return call

    def cancel(self, call_id: str) -> None:
        with self._lock:
            call = self._calls.get(call_id)
            if call is not None and call.generation == self._generation and self._up:
                self._send(p.Cancel(call_id))

    def forget(self, call_id: str) -> None:
        with self._lock:
            self._calls.pop(call_id, None)

    def status(self) -> p.ClusterStatus:
        with self._lock:
            return self._status

    def close(self) -> None:
        with self._lock:
            self._closed.set()
            calls = list(self._calls.values())
            self._calls.clear()
            if self._conn is not None:
                self._send(p.Stop())
            self._status = p.ClusterStatus("closed", self.address)
        for call in calls:
            call.inbox.put(CLOSED)
        self._thread.join(15)
        self._spawner.close()

    # -- the child ----------------------------------------------------------------------
    def _supervise(self) -> None:
        delay = self.backoff.first_s
        while not self._closed.is_set():
            try:
                process = self._start()
            except OSError as exc:  # not started (SpawnTimeout, or the system refused): tried again
                log.warning("the Ray driver process could not be started (%s); trying again in %.1f s", exc, delay)
                self._closed.wait(delay)
                delay = self.backoff.after(delay)
                continue
            was_up = self._serve(process)
            code = _stop(process, graceful=self._closed.is_set())
            with self._lock:
                self._conn = None
                self._up = False
                for call in self._calls.values():
                    call.attempts_before += call.attempts_now
                    call.attempts_now = 0
                    call.generation = 0
                if self._closed.is_set():
                    break
                if self._status.state != "unreachable":
                    self._status = p.ClusterStatus("unreachable", self.address,
                                                   reason=f"the Ray driver process ended (exit code {code})")
            delay = self.backoff.first_s if was_up else self.backoff.after(delay)
            log.warning("Ray cluster at %s unreachable (%s); %d call(s) wait; driver restarts in %.1f s",
                        self.address, self._status.reason, len(self._calls), delay)
            self._closed.wait(delay)

    def _start(self) -> subprocess.Popen[bytes]:
        parent, child = mp.Pipe()
        argv = [sys.executable, "-m", "vtm.cluster.driver", str(child.fileno()), str(os.getpid()), self.address]
        if self.node_ip:
            argv.append(self.node_ip)
        try:
            process = self._spawner.spawn(argv, child.fileno())
        finally:
            child.close()
        with self._lock:
            self._conn = parent
            self._generation += 1
            self._generation_was_up = False
            self.restarts += 1
        return process

    def _serve(self, process: subprocess.Popen[bytes]) -> bool:
        conn = self._conn
        assert conn is not None
        started = last_status = time.monotonic()
        while not self._closed.is_set():
            try:
                ready = conn.poll(0.5)
                message = conn.recv() if ready else None
            except (EOFError, OSError):
                return self._generation_was_up
            now = time.monotonic()
            if message is None:
                if not self._up and now - started > self.connect_timeout_s:
                    self._set_unreachable(f"no answer from the Ray cluster at {self.address} "
                                          f"within {self.connect_timeout_s:.0f} s")
                    return False
                if self._up and now - last_status > self.stale_after_s:
                    self._set_unreachable(f"the Ray cluster at {self.address} has not answered for "
                                          f"{now - last_status:.0f} s")
                continue
            if isinstance(message, p.Status):
                last_status = now
                self._on_status(message.status)
            elif isinstance(message, p.CALL_ANSWERS):
                self._route(message)
        return self._generation_was_up

    def _on_status(self, status: p.ClusterStatus) -> None:
        with self._lock:
            self._status = status
            if status.state == "up" and not self._up:
                self._up = True
                self._generation_was_up = True
                waiting = [call for call in self._calls.values() if call.generation != self._generation]
                for call in waiting:
                    self._send_call(call)
                if waiting:
                    log.info("Ray cluster at %s up: %d waiting call(s) sent", self.address, len(waiting))

    def _set_unreachable(self, reason: str) -> None:
        with self._lock:
            if self._status.state != "unreachable":
                log.warning("Ray cluster: %s", reason)
            self._status = p.ClusterStatus("unreachable", self.address, reason=reason)

    def _route(self, message: p.Answer) -> None:
        with self._lock:
            call = self._calls.get(message.call_id)
            if call is None or call.generation != self._generation:
                log.warning("dropped an answer for call %s, which is not waiting for one: %s",
                            message.call_id, type(message).__name__)
                return
            if isinstance(message, p.Started):
                call.attempts_now = message.placement.attempt
                message = replace(message, placement=replace(
                    message.placement, attempt=call.attempts_before + message.placement.attempt))
            elif isinstance(message, p.Done | p.Failed | p.Lost):
                del self._calls[message.call_id]
        call.inbox.put(message)

    def _send_call(self, call: PendingCall) -> None:
        call.generation = self._generation
        self._send(call.submit)

    def _send(self, message: Any) -> None:
        try:
            if self._conn is not None:
                self._conn.send(message)
        except (BrokenPipeError, OSError):
            pass  # the child is gone: _supervise restarts it and resends what waits


def _stop(process: subprocess.Popen[bytes], *, graceful: bool) -> int | None:
    """Let a stopping child shut Ray down (it ends its tasks), else kill it."""
    if graceful:
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.kill()
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.warning("Ray driver process %s did not exit after SIGKILL", process.pid)
        return None
