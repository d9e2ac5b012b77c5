"""A real Ray cluster on one machine for the cluster tests: a head with no CPUs (the app's
machine) and worker nodes with one CPU each, every node on its own loopback address
(127.0.0.4 for the head, .2, .3, … for the workers; Ray rewrites 127.0.0.1 to the
machine's outward address, so the head avoids it) and its own temp dir, object stores
capped at 80 MB. The head keeps its port across a restart, as a real head would."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -r requirements-cluster.txt")
from ray.cluster_utils import Cluster  # noqa: E402

HEAD_IP = "127.0.0.4"
OBJECT_STORE = 80 * 1024 * 1024


def free_port(host: str = HEAD_IP) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class LocalCluster:
    def __init__(self, root: Path | None = None, port: int | None = None) -> None:
        # Short: Ray's socket paths under it must stay within 107 bytes.
        self.root = Path(root or tempfile.mkdtemp(prefix="vtm-ray-"))
        self._owns_root = root is None
        self.port = port or free_port()
        self.cluster: Any = None
        self.workers: dict[str, Any] = {}
        self._next_ip = 2

    @property
    def address(self) -> str:
        return f"{HEAD_IP}:{self.port}"

    def start(self, workers: int = 2) -> LocalCluster:
        # Ray writes the latest address to /tmp/ray/ray_current_cluster even with its own temp dir.
        Path(tempfile.gettempdir(), "ray").mkdir(exist_ok=True)
        self.cluster = Cluster(initialize_head=True, head_node_args=self._node_args(
            "head", HEAD_IP, num_cpus=0, gcs_server_port=self.port))
        self._next_ip = 2
        for _ in range(workers):
            self.add_worker()
        return self

    def add_worker(self, env: dict[str, str] | None = None) -> str:
        if f"127.0.0.{self._next_ip}" == HEAD_IP:
            self._next_ip += 1
        ip = f"127.0.0.{self._next_ip}"
        self._next_ip += 1
        name = f"worker-{ip.rsplit('.', 1)[1]}"
        self.workers[name] = self.cluster.add_node(**self._node_args(name, ip, num_cpus=1, env_vars=env or {}))
        return name

    def node_id(self, name: str) -> str:
        return self.workers[name].node_id

    def kill_worker(self, name: str) -> None:
        """`kill -9` every process of that node (its raylet, agents; its workers follow)."""
        node = self.workers.pop(name)
        self.cluster.remove_node(node, allow_graceful=False)

    def stop(self) -> None:
        """Every process of every node killed with SIGKILL, the head's included."""
        if self.cluster is None:
            return
        for name in list(self.workers):
            self.kill_worker(name)
        self.cluster.remove_node(self.cluster.head_node, allow_graceful=False)
        self.cluster.shutdown()
        self.cluster = None

    def close(self) -> None:
        self.stop()
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _node_args(self, name: str, ip: str, **extra: Any) -> dict[str, Any]:
        temp = self.root / name
        temp.mkdir(parents=True, exist_ok=True)
        return dict(node_ip_address=ip, node_name=name, temp_dir=str(temp), object_store_memory=OBJECT_STORE,
                    include_dashboard=False, **extra)


def pids_of_cluster() -> list[int]:
    """Processes left by the test clusters (for a cleanliness check)."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _is_ray(int(p))]


def _is_ray(pid: int) -> bool:
    try:
        return b"vtm-ray-" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
