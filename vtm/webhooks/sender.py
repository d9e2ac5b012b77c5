"""One webhook request: a POST to an address the guard checked, within a time limit.

`http.client` is used directly, for three things higher-level clients hide: the TCP
connection goes to the checked IP address while the Host header, TLS server name and
certificate check use the URL's host name; redirects are never followed (a 3xx is a
failed attempt, as Standard Webhooks senders do); and the whole exchange has one
deadline, enforced by closing the socket, so a receiver that trickles its answer
cannot hold the deliverer longer than the limit.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time

from vtm.webhooks.guard import Target

USER_AGENT = "VTM-Webhooks/1"
MAX_ANSWER = 64 * 1024


class SendFailed(Exception):
    """No HTTP answer: refused, timed out, TLS error… (message for the delivery log)."""


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """The receiver's HTTP status code; SendFailed when there is none in time."""
    address = target.addresses[0]
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, address, timeout)
    deadline = threading.Timer(timeout, _abort, args=(connection,))
    deadline.daemon = True
    started = time.monotonic()
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "user-agent": USER_AGENT,
                                                                      "content-length": str(len(body))})
        response = connection.getresponse()
        response.read(MAX_ANSWER)
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        if time.monotonic() - started >= timeout - 0.05:
            raise SendFailed(f"no answer within {timeout:g} s") from None
        raise SendFailed(_reason(exc)) from None
    finally:
        deadline.cancel()
        connection.close()


def _abort(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:200]
