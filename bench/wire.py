"""Server time as the wire sees it: a relay between the browser and the server that
stamps every WebSocket message where it passes, in its own process
(`python -m bench.wire LISTEN_PORT SERVER_PORT LOG`).

Why not Chromium's stamps: its DevTools events for WebSocket frames
(`Network.webSocketFrameReceived`) are sent from the page's renderer, as it handles each
frame, so a frame that came while the page was drawing is stamped when the drawing ends.
Side by side with the server's own clock, three frames the server sent within 12 ms of
each other were stamped 190 ms apart while the Insights page drew its charts; a fragment
rerun of ~30 ms on the server read as ~55 ms, while the Jobs page redrew its table.

The relay passes every byte on at once, unchanged, except one header: the browser's offer
of compressed messages (`Sec-WebSocket-Extensions`) is left out of the upgrade request, so
that the messages cross the relay as plain frames it can read. Each message is logged
when its last byte reaches the relay, on a monotonic clock: one JSON line,
`{"way": "sent"|"received", "t": seconds, "data": base64}` ("sent" is browser to server).
Other connections (the page, its scripts and pictures) are passed on as they are.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.server import free_port

HEAD_END = b"\r\n\r\n"
DROPPED = b"sec-websocket-extensions:"
SWITCHING = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"  # for the self-check


@dataclass
class Message:
    way: str  # "sent" (browser to server) or "received"
    t: float  # monotonic seconds, when its last byte passed
    data: bytes


@dataclass
class Frames:
    """A WebSocket byte stream read incrementally: whole messages out, continuations joined."""

    masked: bool  # the browser's frames are masked, the server's are not
    buffer: bytearray = field(default_factory=bytearray)
    parts: list[bytes] = field(default_factory=list)

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        self.buffer += chunk
        while True:
            frame = self._frame()
            if frame is None:
                return
            final, opcode, payload = frame
            if opcode >= 0x8:  # close, ping, pong: not messages of the app
                continue
            self.parts.append(payload)
            if final:
                yield b"".join(self.parts)
                self.parts = []

    def _frame(self) -> tuple[bool, int, bytes] | None:
        data = self.buffer
        if len(data) < 2:
            return None
        final, opcode, has_mask, length = bool(data[0] & 0x80), data[0] & 0x0F, bool(data[1] & 0x80), data[1] & 0x7F
        at = 2
        if length == 126:
            if len(data) < 4:
                return None
            length, at = int.from_bytes(data[2:4], "big"), 4
        elif length == 127:
            if len(data) < 10:
                return None
            length, at = int.from_bytes(data[2:10], "big"), 10
        if has_mask != self.masked:
            raise ValueError("a WebSocket frame masked the wrong way for its direction")
        key = bytes(data[at : at + 4]) if has_mask else b""
        at += len(key)
        if len(data) < at + length:
            return None
        payload = bytes(data[at : at + length])
        del data[: at + length]
        if key:
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        return final, opcode, payload


def plain_upgrade(head: bytes) -> bytes:
    """A request head without its offer of compressed WebSocket messages."""
    lines = head.split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.lower().startswith(DROPPED))


class _Relay:
    def __init__(self, target: int, log: IO[str]) -> None:
        self.target, self.log = target, log

    def record(self, way: str, arrived: float, data: bytes) -> None:
        self.log.write(json.dumps({"way": way, "t": arrived, "data": base64.b64encode(data).decode()}) + "\n")
        self.log.flush()

    async def connection(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        try:  # the request's head first: a connection that sends none (a probe) never reaches the server
            head = await client_in.readuntil(HEAD_END)
            server_in, server_out = await asyncio.open_connection("127.0.0.1", self.target)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            client_out.close()
            return
        websocket = b"upgrade: websocket" in head.lower()
        server_out.write(plain_upgrade(head) if websocket else head)
        await asyncio.gather(
            self.pipe(client_in, server_out, Frames(masked=True) if websocket else None, "sent", skip_head=False),
            self.pipe(server_in, client_out, Frames(masked=False) if websocket else None, "received", skip_head=websocket),
            return_exceptions=True,
        )

    async def pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, frames: Frames | None, way: str,
                   *, skip_head: bool) -> None:
        """Bytes from `source` to `sink` as they come; with `frames`, each message logged
        (after the server's answer head when `skip_head`)."""
        head = bytearray()
        try:
            while chunk := await source.read(65536):
                arrived = time.monotonic()
                sink.write(chunk)
                await sink.drain()
                if frames is not None:
                    if skip_head:
                        head += chunk
                        end = head.find(HEAD_END)
                        if end < 0:
                            continue
                        chunk, skip_head = bytes(head[end + len(HEAD_END) :]), False
                    try:
                        for message in frames.feed(chunk):
                            self.record(way, arrived, message)
                    except ValueError as exc:  # not WebSocket as expected: keep relaying, stop reading
                        print(f"bench.wire: {exc}; no more messages logged on this connection", file=sys.stderr, flush=True)
                        frames = None
        except ConnectionError:
            pass
        finally:
            sink.close()


async def _serve(listen: int, target: int, log_path: Path) -> None:
    """Relay until the bench that started it is gone."""
    parent = os.getppid()
    with log_path.open("a") as log:
        relay = _Relay(target, log)
        server = await asyncio.start_server(relay.connection, "127.0.0.1", listen)
        async with server:
            while os.getppid() == parent:
                await asyncio.sleep(1)


class Relay:
    """The relay as a child process in front of the server on `target` (a context manager):
    open `url` instead of the server's, read `messages()`."""

    def __init__(self, target: int, log_path: Path) -> None:
        self.port, self.target, self.log_path = free_port(), target, log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Relay:
        self.log_path.unlink(missing_ok=True)
        self._process = subprocess.Popen([sys.executable, "-m", "bench.wire", str(self.port), str(self.target), str(self.log_path)],
                                         cwd=Path(__file__).resolve().parent.parent)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.__exit__()
        raise RuntimeError("the timing relay did not start")

    def __exit__(self, *_: Any) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)

    def messages(self) -> list[Message]:
        if not self.log_path.exists():
            return []
        rows = [json.loads(line) for line in self.log_path.read_text().splitlines() if line.endswith("}")]
        return [Message(r["way"], r["t"], base64.b64decode(r["data"])) for r in rows]


def self_check() -> None:
    """The relay checked on itself: a hand-made WebSocket exchange through it (a message
    in two frames, masked; an answer of 70,000 bytes: a 64-bit length), its offer of
    compression gone, every byte passed, each message logged whole and in order."""
    import tempfile
    import threading

    heard: list[bytes] = []
    size = 70_000

    def upstream(listener: socket.socket) -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while HEAD_END not in data and (chunk := conn.recv(4096)):
                data += chunk
            heard.append(data)
            conn.sendall(SWITCHING)
            payload = (bytes(range(256)) * (size // 256 + 1))[: size - 4] + b"xyzw"
            conn.sendall(b"\x82\x7f" + len(payload).to_bytes(8, "big") + payload)
            rest = b""
            while len(rest) < 2 * (2 + 4 + 3) and (chunk := conn.recv(4096)):
                rest += chunk
            heard.append(rest)

    with socket.socket() as listener, tempfile.TemporaryDirectory() as folder:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        thread = threading.Thread(target=upstream, args=(listener,), daemon=True)
        thread.start()
        with Relay(listener.getsockname()[1], Path(folder) / "wire.jsonl") as relay:
            with socket.create_connection(("127.0.0.1", relay.port)) as client:
                client.sendall(b"GET /_stcore/stream HTTP/1.1\r\nUpgrade: websocket\r\n"
                               b"Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
                answer = b""
                while len(answer) < len(SWITCHING) + 10 + size:
                    answer += client.recv(65536)
                key = b"\x01\x02\x03\x04"
                masked = [bytes(b ^ key[i % 4] for i, b in enumerate(part)) for part in (b"abc", b"def")]
                first, second = b"\x02\x83" + key + masked[0], b"\x80\x83" + key + masked[1]
                client.sendall(first + second)
                thread.join(10)
            deadline = time.monotonic() + 5
            while len(relay.messages()) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            messages = relay.messages()
        assert b"permessage-deflate" not in heard[0] and b"Upgrade: websocket" in heard[0], heard[0]
        assert heard[1] == first + second, heard[1]
        assert answer.endswith(b"xyzw") and len(answer) == len(SWITCHING) + 10 + size, len(answer)
        assert [(m.way, len(m.data)) for m in messages] == [("received", size), ("sent", 6)], messages
        assert messages[1].data == b"abcdef" and messages[0].t <= messages[1].t


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])))
