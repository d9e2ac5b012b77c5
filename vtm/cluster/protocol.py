"""What the app process and its Ray driver child say to each other over their pipe.

Parent → child: `Submit`, `Cancel`, `Stop`. Child → parent: `Status` (the cluster, on
connect and every few seconds) and, for a call, `Started` (once per attempt, with the
node), `Progress`, then one of `Done`, `Failed`, `Lost`. Every answer about a call
carries its call id; the parent drops answers for a call it is not waiting for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

State = Literal["starting", "up", "unreachable", "closed"]


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    ip: str
    name: str
    cpus: float
    alive: bool


@dataclass(frozen=True)
class Placement:
    """Where one attempt of a call runs: the Ray node id, its IP and name, and which
    attempt this is (1 = first run; more after a node was lost or the driver restarted)."""

    node_id: str
    ip: str
    name: str
    attempt: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.node_id, "ip": self.ip, "name": self.name}


@dataclass(frozen=True)
class ClusterStatus:
    state: State
    address: str
    nodes: tuple[NodeInfo, ...] = ()
    reason: str | None = None

    @property
    def cpus(self) -> float:
        return sum(node.cpus for node in self.nodes if node.alive)

    @property
    def alive(self) -> int:
        return sum(1 for node in self.nodes if node.alive)

    def to_dict(self) -> dict[str, Any]:
        """The `cluster` object of GET /api/health."""
        return {"state": self.state, "address": self.address, "nodes": self.alive, "cpus": _number(self.cpus),
                "reason": self.reason}

    def describe(self) -> str:
        """One line for the sidebar."""
        if self.state == "up":
            return f"cluster: {_plural(self.alive, 'node')}, {_plural(_number(self.cpus), 'CPU')}"
        if self.state == "starting":
            return "cluster: connecting…"
        if self.state == "closed":
            return "cluster: stopped"
        return "cluster unreachable — jobs wait"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _plural(count: float, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# -- parent → child ----------------------------------------------------------------
@dataclass(frozen=True)
class Submit:
    call_id: str
    job_id: int | None
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    with_progress: bool
    timeout_s: float | None
    memory_mb: int
    max_retries: int


@dataclass(frozen=True)
class Cancel:
    call_id: str


@dataclass(frozen=True)
class Stop:
    pass


# -- child → parent ----------------------------------------------------------------
@dataclass(frozen=True)
class Status:
    status: ClusterStatus


@dataclass(frozen=True)
class Started:
    call_id: str
    placement: Placement


@dataclass(frozen=True)
class Progress:
    call_id: str
    fraction: float


@dataclass(frozen=True)
class Done:
    call_id: str
    result: Any


@dataclass(frozen=True)
class Failed:
    """The call ran and did not produce a result. `error` names a VtmError class and
    code when the video (not the cluster) was the cause; `retryable` says whether the
    same call could succeed if run again unchanged."""

    call_id: str
    message: str
    retryable: bool = False
    error: tuple[str, str | None] | None = None
    traceback: str | None = None


@dataclass(frozen=True)
class Lost:
    """Every attempt was lost with its node or worker process; Ray's retries ran out."""

    call_id: str
    message: str
    attempts: int = 0


Answer = Started | Progress | Done | Failed | Lost
CALL_ANSWERS = (Started, Progress, Done, Failed, Lost)

