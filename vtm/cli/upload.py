"""Uploading a file to a running VTM (`vtm import --api URL`): `POST /api/videos` as
multipart, streamed from the file (never all in memory)."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

CHUNK = 1024 * 1024


def upload(base: str, token: str, path: Path, progress: Callable[[float], None] | None = None) -> tuple[int, object]:
    """POST `path` to `base`/api/videos as multipart, streamed (never all in memory)."""
    url = urlsplit(base if "://" in base else f"http://{base}")
    boundary = uuid.uuid4().hex
    name = path.name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")  # as browsers send them
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size
    cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = cls(url.hostname or "localhost", url.port, timeout=600)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(head) + size + len(tail))}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.putrequest("POST", url.path.rstrip("/") + "/api/videos")
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        conn.send(head)
        sent = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                conn.send(chunk)
                sent += len(chunk)
                if progress is not None:
                    progress(sent / max(1, size))
        conn.send(tail)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw or b"{}")
    except ValueError:
        return response.status, raw.decode(errors="replace")[:200]
