"""The media type of each kind of file VTM serves or offers for download: one table."""

from __future__ import annotations

from pathlib import Path

MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif",
               ".vtt": "text/vtt", ".json": "application/json", ".csv": "text/csv", ".zip": "application/zip",
               ".bif": "application/octet-stream",
               # sources, for the player (a browser plays what it can: mp4, webm, mov with H.264)
               ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
               ".mkv": "video/x-matroska", ".avi": "video/x-msvideo", ".mpeg": "video/mpeg", ".mpg": "video/mpeg",
               ".ts": "video/mp2t", ".m2ts": "video/mp2t"}
OTHER = "application/octet-stream"


def of(path: Path | str) -> str:
    return MEDIA_TYPES.get(Path(path).suffix.lower(), OTHER)
