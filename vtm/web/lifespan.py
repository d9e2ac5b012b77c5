"""The server's start and stop: logging, then VTM built once per process by
`vtm.assembly` and made the running Service before the first request (st.App runs
the lifespan before serving); closed when the server stops."""

from __future__ import annotations

import faulthandler
import gc
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from vtm import assembly
from vtm.config import Settings
from vtm.errors import StoreLocked, VtmError
from vtm.web import tcp


def configure_logging(level: int = logging.INFO) -> None:
    logger = logging.getLogger("vtm")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def settle_heap() -> None:
    """Move what start-up made (every imported module, the running Service) out of the
    garbage collector's view: it lives as long as the process, and a full collection
    would otherwise walk it all again, holding the GIL (about 0.1 s here)."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[dict[str, object]]:
    configure_logging()
    try:
        running = assembly.build(Settings.from_env()).install()
    except StoreLocked as exc:
        # One clear line, not a traceback: another VTM holds this data folder.
        sys.stderr.write(f"vtm: {exc.message}\n")
        sys.stderr.flush()
        os._exit(3)
    except VtmError as exc:
        sys.stderr.write(f"vtm: {exc.message}\n")
        sys.stderr.flush()
        os._exit(2)
    tcp.no_delay_on_listeners()
    settings = running.settings
    where = (f"jobs on the Ray cluster at {settings.ray_address}" if settings.executor_kind == "ray"
             else f"{settings.worker_count} worker(s), decoding in {settings.isolation}")
    log = logging.getLogger(__name__)
    log.info("VTM ready: data in %s, %s", running.data.root, where)
    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>`: every thread's stack to the log, for a server that hangs
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
    settle_heap()
    try:
        yield {"service": running.service}
    finally:
        log.info("VTM stopping: workers, then the database")
        running.close()
        log.info("VTM stopped")
