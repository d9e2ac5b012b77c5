"""Running jobs on a Ray cluster, with the app as the only database writer.

    app process                          driver child (python -m vtm.cluster.driver)
    RayExecutor.call() ──► Supervisor ══ pipe ══► ray.init(address) ─► Ray tasks on the nodes
          ▲                    │  restarts the child         │             │ started / progress
          └── started, progress, done | failed | lost ◄──────┴── Sink actor ◄┘ (on the head)

The Ray driver lives in a child process because a driver that loses the cluster's
control store (GCS) ends its own process after 60 s; the app must outlive that. The
parent restarts the child with backoff and resubmits the calls that were in flight;
calls wait (they do not fail) while the cluster is unreachable. Tasks never open the
database: they read the video and write the output through the shared data folder
(mapped with VTM_PATH_MAP on a node that mounts it elsewhere) and return the path.
"""

from vtm.cluster.executor import RayExecutor
from vtm.cluster.protocol import ClusterStatus, NodeInfo, Placement

__all__ = ["ClusterStatus", "NodeInfo", "Placement", "RayExecutor"]
