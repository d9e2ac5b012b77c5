"""Names users choose, made safe to store: one path component, readable, bounded.

Users' names live one folder down (`source/`) in the data folder, so no upload can take
the name of a file VTM writes; `safe_filename` keeps them a single harmless component.
"""

from __future__ import annotations

import re
import unicodedata

from vtm.errors import BadRequest

VIDEO_EXTENSIONS = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".mpeg", ".mpg", ".ts", ".m2ts")
MAX_NAME_LENGTH = 200


def safe_filename(name: str) -> str:
    """A name that is safe as a single path component and readable by people:
    no directories, no `..`, no control characters, no leading dot, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*\x00')
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        raise BadRequest("The file has no usable name; give it a name such as clip.mp4.", code="empty_filename")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:16]
    room = MAX_NAME_LENGTH - len(ext) - (1 if ext else 0)
    stem = stem[:room].rstrip(" .") or "video"
    return f"{stem}.{ext}" if ext else stem
