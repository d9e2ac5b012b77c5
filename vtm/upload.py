"""Streaming a multipart upload straight to data/tmp, without holding it in memory.

The body is fed to python-multipart's streaming parser chunk by chunk as it arrives;
the bytes of the `video` field go to a `files.Receiver`, which hashes, counts and
refuses as soon as the size limit is passed. A client that disconnects, a refused
size or a malformed body leaves no file behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from vtm.errors import BadRequest, TooLarge
from vtm.files import Received, Receiver

FIELD = "video"


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    field_name: bytes = b""
    value: bytearray = field(default_factory=bytearray)


class _Collector:
    def __init__(self, receiver_factory: type[Receiver], tmp_dir: object, limit: int) -> None:
        self._factory, self._tmp_dir, self._limit = receiver_factory, tmp_dir, limit
        self.receiver: Receiver | None = None
        self.filename: str | None = None
        self.received: Received | None = None
        self._part = _Part()
        self._header_field = bytearray()
        self._header_value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._part = _Part()

    def _header_end(self) -> None:
        self._part.headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, opts = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.field_name = opts.get(b"name", b"")
        if self._part.field_name == FIELD.encode() and self.receiver is None and self.received is None:
            raw = opts.get(b"filename")
            self.filename = raw.decode("utf-8", "replace") if raw is not None else None
            self.receiver = self._factory(self._tmp_dir, self._limit)  # type: ignore[arg-type]

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.receiver is not None and self._part.field_name == FIELD.encode():
            self.receiver.write(data[start:end])

    def _part_end(self) -> None:
        if self.receiver is not None and self._part.field_name == FIELD.encode():
            self.received = self.receiver.finish()
            self.receiver = None

    def discard(self) -> None:
        if self.receiver is not None:
            self.receiver.discard()
        if self.received is not None:
            self.received.path.unlink(missing_ok=True)


async def receive_multipart(
    content_type: str, body: AsyncIterator[bytes], tmp_dir: object, limit: int
) -> tuple[str | None, Received]:
    """(client's file name, received file) of the `video` field of a multipart body."""
    mime, opts = parse_options_header(content_type)
    boundary = opts.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise BadRequest("Send the video as multipart/form-data in a field named `video` (curl -F video=@clip.mp4).", code="not_multipart")
    collector = _Collector(Receiver, tmp_dir, limit)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except TooLarge:
        collector.discard()
        raise
    except (FormParserError, ValueError):
        collector.discard()
        raise BadRequest("The multipart body is malformed or cut short.", code="bad_multipart") from None
    except (ClientDisconnect, BaseException):
        collector.discard()
        raise
    if collector.received is None:
        collector.discard()
        raise BadRequest("No file in the `video` field; send it with curl -F video=@clip.mp4.", code="no_file")
    return collector.filename, collector.received
