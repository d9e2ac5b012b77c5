"""The real server for API tests: `streamlit run app.py` on a free port, on its own data
folder, stopped with Ctrl-C (SIGINT) like a person would, its log checked for errors;
and small helpers for API tests (RSS of a process, waiting for a job, error bodies)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from vtm import assembly, web
from vtm.assembly import Assembly
from vtm.config import Settings

ROOT = Path(__file__).resolve().parent.parent
STREAMLIT = Path(sys.executable).parent / "streamlit"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def interrupt(process: subprocess.Popen[bytes], timeout: float = 20.0) -> bool:
    """Ctrl-C a server process and wait for it; kill it if it has not exited in time.
    True when it stopped by itself."""
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



class LiveServer:
    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"server-{self.port}.log"
        self.env = {**os.environ, "VTM_DATA_DIR": str(data_dir), "VTM_WORKERS": "2", **env}
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes to it until stop()
        self.process = subprocess.Popen(
            [str(STREAMLIT), "run", "app.py", "--server.port", str(self.port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.close()
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer in {timeout} s:\n{self.log()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)  # type: ignore[arg-type]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20.0, sig: int = signal.SIGINT) -> float:
        """Ctrl-C (or another signal) the server; returns the seconds it took to exit."""
        if self.process is None or self.process.poll() is not None:
            if self._log is not None:
                self._log.close()  # the server already exited (killed by a test): free the log
            return 0.0
        started = time.monotonic()
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGUSR1)  # its threads' stacks to the log (vtm/web/lifespan.py)
            time.sleep(2)
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the server did not stop within {timeout} s of Ctrl-C:\n{self.log()}") from None
        finally:
            self._log.close()
        return time.monotonic() - started

    def diagnose(self, lines: int = 160) -> str:
        """What a failed test prints about this server: every thread's stack (SIGUSR1, which
        the server hands to faulthandler), its decoder processes and the end of its log. A
        click the page never answered is told apart this way from a server that was stuck."""
        if self.process is None:
            return "the server was not started"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGUSR1)
            time.sleep(1.0)
        children = subprocess.run(["ps", "-o", "pid,etimes,stat,args", "--ppid", str(self.process.pid)],
                                  capture_output=True, text=True, check=False).stdout
        tail = "\n".join(self.log().splitlines()[-lines:])
        return f"exit code: {self.process.poll()}\nits processes:\n{children}\nthe end of its log:\n{tail}"

    def errors(self) -> list[str]:
        return [line for line in self.log().splitlines() if " ERROR " in line or "Traceback" in line]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def wait_for(client: httpx.Client, path: str, status: str = "COMPLETED", timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(path).json()
        if job["status"] in ("COMPLETED", "FAILED"):
            assert job["status"] == status, job
            return job
        time.sleep(0.1)
    raise AssertionError(f"{path} did not finish in {timeout} s")


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"], body
    return body["error"]["code"]


def serve_module(factory: Any, name: str, **env: str) -> Iterator[LiveServer]:
    """A test module's server on its own data folder; stopped with Ctrl-C, its log free of errors."""
    live = LiveServer(factory.mktemp(name) / "data", **env).start()
    yield live
    live.stop()
    assert live.errors() == []


def client_for(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@contextlib.asynccontextmanager
async def in_process(tmp_path: Path, **settings: Any) -> AsyncIterator[tuple[Assembly, httpx.AsyncClient]]:
    """The API's routes in this process over httpx's ASGI transport, on a burst runtime
    (jobs run only on `rt.workers.drain()`): for states a live server passes too fast."""
    rt = assembly.build(Settings(data_dir=tmp_path / "data", workers=1, isolation="thread", **settings),
                        start_workers=False).install()
    transport = httpx.ASGITransport(app=Starlette(routes=web.routes()))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://vtm") as c:
            yield rt, c
    finally:
        rt.close()
