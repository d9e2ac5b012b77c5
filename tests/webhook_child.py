"""A process that only delivers webhooks from a data folder (for the kill -9 test):
`python -m tests.webhook_child DATA_DIR RETRY_S`. It runs until killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from vtm.store import Store
from vtm.webhooks.deliverer import Deliverer

if __name__ == "__main__":
    store = Store(Path(sys.argv[1]) / "vtm.duckdb")
    deliverer = Deliverer(store, retry_delays=tuple(float(s) for s in sys.argv[2].split(",")),
                          timeout_s=5.0, allow_private=True)
    deliverer.start()
    print("ready", flush=True)
    while True:
        time.sleep(1)
