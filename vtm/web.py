"""Process start-up for the server: logging, and the lifespan that opens the store and
starts the workers once per process (st.App runs it before serving)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from vtm import runtime, tcp
from vtm.config import Settings
from vtm.errors import StoreLocked, VtmError


def configure_logging(level: int = logging.INFO) -> None:
    logger = logging.getLogger("vtm")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
    configure_logging()
    try:
        rt = runtime.start(Settings.from_env())
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
    logging.getLogger(__name__).info(
        "VTM ready: data in %s, %d worker(s), decoding in %s", rt.data.root, rt.settings.worker_count, rt.settings.isolation
    )
    try:
        yield {"runtime": rt}
    finally:
        runtime.stop()
