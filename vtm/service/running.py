"""The one holder of the process's running `Service`: set by the web lifespan (and by
tests that serve pages), read by the dashboard's pages and the API's routes through
`current()`. Nothing else in VTM keeps a module-level instance."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vtm.service import Service

NOT_STARTED = "VTM is not started: run `streamlit run app.py` (or `vtm serve`)."


class _Holder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: Service | None = None

    def install(self, service: Service) -> None:
        with self._lock:
            self._service = service

    def uninstall(self, service: Service) -> None:
        with self._lock:
            if self._service is service:
                self._service = None

    def get(self) -> Service:
        with self._lock:
            service = self._service
        if service is None:
            raise RuntimeError(NOT_STARTED)
        return service


HOLDER = _Holder()


def current() -> Service:
    """The running Service; RuntimeError (saying how to start VTM) when there is none."""
    return HOLDER.get()
