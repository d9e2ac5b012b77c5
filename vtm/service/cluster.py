"""Use cases of the executor: which one runs the jobs and, with a Ray cluster, its state
for GET /api/health and the sidebar."""

from __future__ import annotations

from typing import Any

from vtm.service.base import ServiceBase


class Cluster(ServiceBase):
    def executor_name(self) -> str:
        """`ray` when the jobs run on a Ray cluster, else `local`."""
        return "ray" if self._cluster is not None else "local"

    def cluster_status(self) -> dict[str, Any] | None:
        """The cluster as /api/health shows it: {"state": "up" | "starting" | "unreachable" |
        "closed", "nodes", "cpus", "reason"} (nodes and CPUs alive now); None without one."""
        if self._cluster is None:
            return None
        status = self._cluster.status().to_dict()
        return {key: status[key] for key in ("state", "nodes", "cpus", "reason")}

    def cluster_line(self) -> str | None:
        """One line for the sidebar ("cluster: 3 nodes, 12 CPUs", "cluster unreachable — jobs
        wait"); None without a cluster."""
        return self._cluster.status().describe() if self._cluster is not None else None
