"""Serving a video's source with HTTP byte ranges (RFC 9110 §14), so that a player can
seek without downloading the whole file.

- `Accept-Ranges: bytes` on every answer;
- one range (`bytes=0-99`, `bytes=100-`, `bytes=-500`): 206 with `Content-Range`;
- a range that starts past the end: 416 with `Content-Range: bytes */<size>` and the
  API's JSON error;
- several ranges, another unit or a malformed header: ignored (RFC 9110 §14.2 allows
  it), the whole file with 200;
- `If-Range` that does not match the current ETag: the whole file with 200;
- HEAD answers the headers of GET without a body.
"""

from __future__ import annotations

import os
import re
from email.utils import formatdate
from pathlib import Path

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from vtm import mediatypes
from vtm.config import Settings
from vtm.errors import VtmError
from vtm.web.errors import error_response
from vtm.web.files import not_modified, validators

CHUNK = 256 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*([0-9]{0,19})\s*-\s*([0-9]{0,19})\s*$", re.IGNORECASE)


class RangeNotSatisfiable(VtmError):
    code = "range_not_satisfiable"


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range asked for, as (first, last) inclusive and inside the file;
    None to send the whole file; RangeNotSatisfiable when it starts past the end."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None  # several ranges, another unit, garbage: the whole file
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0:
            raise RangeNotSatisfiable(f"Range {header.strip()!r} asks for no bytes; the file has {size} bytes.")
        return max(0, size - count), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored, as RFC 9110 §14.1.1 says
    if start >= size:
        raise RangeNotSatisfiable(f"Range {header.strip()!r} starts past the end of the file ({size} bytes).")
    return start, min(end, size - 1)


class FileSlice(Response):
    """Bytes `first`..`last` of a file (the whole file when they span it)."""

    def __init__(self, path: Path, first: int, last: int, *, status_code: int, headers: dict[str, str],
                 media_type: str, head: bool) -> None:
        super().__init__(status_code=status_code, headers=headers, media_type=media_type)
        self.path, self.first, self.last, self.head = path, first, last, head
        self.headers["content-length"] = str(max(0, last - first + 1))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if self.head:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        left = self.last - self.first + 1
        async with await anyio.open_file(self.path, "rb") as file:
            await file.seek(self.first)
            while left > 0:
                chunk = await file.read(min(CHUNK, left))
                if not chunk:
                    break  # the file shrank while being sent: end here
                left -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
        if left > 0:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def ranged_file_response(request: Request, path: Path, tag: str, settings: Settings) -> Response:
    """`path` for a player: whole (200), a byte range (206), 304 when current, or 416."""
    stat = os.stat(path)
    size = stat.st_size
    headers = {**validators(f"{tag}:{size}:{stat.st_mtime_ns}", settings), "Accept-Ranges": "bytes",
               "Last-Modified": formatdate(stat.st_mtime, usegmt=True)}
    etag = headers["ETag"]
    if not_modified(request, etag, stat.st_mtime):
        return Response(status_code=304, headers=headers)
    if_range = request.headers.get("if-range")
    wanted = request.headers.get("range") if if_range is None or if_range.strip() == etag else None
    try:
        span = parse_range(wanted, size)
    except RangeNotSatisfiable as exc:
        response = error_response(exc)
        response.status_code = 416
        response.headers.update({"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"})
        return response
    head = request.method == "HEAD"
    media_type = mediatypes.of(path)
    if span is None:  # no Range (or one If-Range said is for another version): the whole file
        return FileSlice(path, 0, size - 1, status_code=200, headers=headers, media_type=media_type, head=head)
    first, last = span
    headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    return FileSlice(path, first, last, status_code=206, headers=headers, media_type=media_type, head=head)
