"""The real server for the upload and API measures: `streamlit run app.py` on a free
port with its own data folder, stopped with SIGINT (then SIGKILL if it lingers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.inputs import ROOT

STREAMLIT = Path(sys.executable).parent / "streamlit"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def interrupt(process: subprocess.Popen[bytes], timeout: float = 20.0) -> bool:
    """Ctrl-C a server process and wait for it; kill it if it has not exited within
    `timeout` seconds. Returns whether it stopped by itself."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def answering(process: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    """Poll `url` until it answers 200 (True), or until `process` exits or `timeout`
    seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False


class Server:
    def __init__(self, data_dir: Path, log_path: Path, *, workers: int = 1, start_timeout: float = 90) -> None:
        self.data_dir, self.log_path = data_dir, log_path
        self.workers, self.start_timeout = workers, start_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def __enter__(self) -> Server:
        env = {**os.environ, "VTM_DATA_DIR": str(self.data_dir), "VTM_WORKERS": str(self.workers), "VTM_MAX_UPLOAD_MB": "4096"}
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it until exit
        self.process = subprocess.Popen(
            [str(STREAMLIT), "run", "app.py", "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        if answering(self.process, f"{self.url}/api/health", self.start_timeout):
            return self
        if self.process.poll() is not None:
            raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log_path}")
        self.__exit__()
        raise RuntimeError(f"the server did not answer in {self.start_timeout:.0f} s; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            interrupt(self.process)
        if self._log:
            self._log.close()

    def rss_mb(self) -> float:
        assert self.process is not None
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


class PeakRss:
    """Samples the server's resident memory every 20 ms while in use."""

    def __init__(self, server: Server) -> None:
        self.server, self.peak = server, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            self._stop.wait(0.02)

    def __enter__(self) -> PeakRss:
        self.peak = self.server.rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
