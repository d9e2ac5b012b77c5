"""The media type of each kind of file VTM serves or offers for download: one table."""

from __future__ import annotations

from pathlib import Path

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif",
               ".vtt": "text/vtt", ".json": "application/json", ".csv": "text/csv", ".zip": "application/zip",
               ".bif": "application/octet-stream"}
OTHER = "application/octet-stream"


def of(path: Path | str) -> str:
    return MEDIA_TYPES.get(Path(path).suffix.lower(), OTHER)
