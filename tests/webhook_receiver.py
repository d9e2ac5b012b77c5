"""A real HTTP receiver of webhooks on 127.0.0.1, for the tests: it verifies every
signature with the `standardwebhooks` package (the reference verifier) and answers by
path: /ok 204, /flaky 500 twice then 200, /hang never (until the test ends),
/redirect 302 to /ok."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool


@dataclass
class Receiver:
    secret: str = ""
    requests: list[Received] = field(default_factory=list)
    flaky_failures: int = 2
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Receiver:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(owner.secret).verify(body, headers)
                    verified = True
                except (WebhookVerificationError, ValueError):
                    verified = False
                with owner.arrived:
                    owner.requests.append(Received(self.path, headers, body, verified))
                    count = sum(1 for r in owner.requests if r.path == self.path)
                    owner.arrived.notify_all()
                if self.path == "/hang":
                    owner.release.wait(30)
                    return
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("location", "/ok")
                elif self.path == "/flaky" and count <= owner.flaky_failures:
                    self.send_response(500)
                else:
                    self.send_response(200 if self.path == "/flaky" else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def wait_for(self, path: str, count: int, timeout: float = 20.0) -> list[Received]:
        return self._wait(path, lambda got: len(got) >= count, timeout)

    def wait_for_events(self, path: str, count: int, timeout: float = 20.0) -> list[Received]:
        """The requests on `path` once `count` different events (webhook-ids) came: a
        delivery may come again (at least once), so requests can outnumber events."""
        return self._wait(path, lambda got: len({r.headers["webhook-id"] for r in got}) >= count, timeout)

    def _wait(self, path: str, enough: Callable[[list[Received]], bool], timeout: float) -> list[Received]:
        """The requests on `path`, once `enough` of them came or at `timeout`."""
        with self.arrived:
            self.arrived.wait_for(lambda: enough([r for r in self.requests if r.path == path]), timeout)
            return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
