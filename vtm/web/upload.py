"""Streaming a multipart upload straight to data/tmp, without holding it in memory.

The body is fed to python-multipart's streaming parser chunk by chunk as it arrives.
The parser's callbacks only collect the bytes of the `video` field (and refuse at once
when the size limit is passed); every `FLUSH` bytes the collected bytes are written and
hashed by the service's upload sink (`Service.open_upload`) in a worker thread, so a big upload never blocks the event
loop that serves every other request. While a flush runs, the body is not read, so the
server's socket buffers (not its memory) hold what the client sends next.

A client that disconnects, a refused size or a malformed body leaves no file behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from vtm.errors import BadRequest, TooLarge

FIELD = "video"
FLUSH = 1024 * 1024
R = TypeVar("R", covariant=True)


class Sink(Protocol[R]):
    """Where the file's bytes go: written and hashed as they come, finished into `R`."""

    def write(self, chunk: bytes | bytearray) -> None: ...
    def finish(self) -> R: ...
    def discard(self) -> None: ...


class _Collector(Generic[R]):
    """Parser callbacks: which part is which, and the `video` bytes not written yet."""

    def __init__(self, open_sink: Callable[[], Sink[R]], limit: int) -> None:
        self._open_sink, self._limit = open_sink, limit
        self.receiver: Sink[R] | None = None
        self.filename: str | None = None
        self.pending = bytearray()
        self.size = 0
        self.complete = False
        self._in_video = False
        self._headers: dict[bytes, bytes] = {}
        self._field = bytearray()
        self._value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._in_video = False

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, opts = parse_options_header(self._headers.get(b"content-disposition", b""))
        if opts.get(b"name") != FIELD.encode() or self.receiver is not None:
            return  # other fields, and a second `video` file, are ignored
        raw = opts.get(b"filename")
        # Browsers send `"` in a file name as %22 (WHATWG multipart/form-data encoding).
        self.filename = raw.decode("utf-8", "replace").replace("%22", '"') if raw is not None else None
        self.receiver = self._open_sink()
        self._in_video = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_video:
            return
        self.size += end - start
        if self.size > self._limit:
            raise TooLarge(f"The upload is larger than the limit of {self._limit // (1024 * 1024)} MB (VTM_MAX_UPLOAD_MB).")
        self.pending += memoryview(data)[start:end]

    def _part_end(self) -> None:
        if self._in_video:
            self._in_video = False
            self.complete = True

    def take(self) -> bytearray:
        chunk, self.pending = self.pending, bytearray()
        return chunk

    def discard(self) -> None:
        if self.receiver is not None:
            self.receiver.discard()


async def receive_multipart(
    content_type: str, body: AsyncIterator[bytes], open_sink: Callable[[], Sink[R]], limit: int,
    check_name: Callable[[str | None], Awaitable[object]] | None = None,
) -> tuple[str | None, R]:
    """(client's file name, received file) of the `video` field of a multipart body.
    `check_name` runs as soon as the file's name is known, before its bytes are read,
    so that a refused name (empty, taken) costs no upload time."""
    mime, opts = parse_options_header(content_type)
    boundary = opts.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise BadRequest("Send the video as multipart/form-data in a field named `video` (curl -F video=@clip.mp4).", code="not_multipart")
    collector = _Collector(open_sink, limit)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    # One block is written and hashed in a thread while the next one is read and parsed:
    # at most two blocks (2 MB) are held at a time, and blocks reach the file in order.
    writing: asyncio.Future[None] | None = None
    try:
        checked = check_name is None
        async for chunk in body:
            parser.write(chunk)
            if not checked and collector.receiver is not None:
                checked = True
                await check_name(collector.filename)  # type: ignore[misc]
            if collector.receiver is not None and len(collector.pending) >= FLUSH:
                if writing is not None:
                    await writing
                writing = asyncio.ensure_future(asyncio.to_thread(collector.receiver.write, collector.take()))
        if writing is not None:
            await writing
            writing = None
        parser.finalize()
        if collector.receiver is not None and not collector.complete:
            raise ValueError("the `video` part never ended")
        if collector.receiver is None:
            raise BadRequest("No file in the `video` field; send it with curl -F video=@clip.mp4.", code="no_file")
        receiver = collector.receiver
        await asyncio.to_thread(receiver.write, collector.take())
        return collector.filename, await asyncio.to_thread(receiver.finish)
    except (FormParserError, ValueError):
        await _settle(writing)
        collector.discard()
        raise BadRequest("The multipart body is malformed or cut short.", code="bad_multipart") from None
    except BaseException:
        await _settle(writing)
        collector.discard()
        raise


async def _settle(writing: asyncio.Future[None] | None) -> None:
    """Let a block still being written finish (or fail) before its file is removed."""
    if writing is not None:
        await asyncio.gather(writing, return_exceptions=True)
