"""Names users choose: kept as given (`given_name`: what the library, the API and the
CLI show), and stored on disk under a server-chosen safe name (`stored_filename`: one
harmless path component, readable, bounded).

Users' files live one folder down (`source/`) in the data folder, so no upload can take
the name of a file VTM writes. Folders written before names were kept as given hold
their file under its safe name, which was also the name shown: both still read.
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


def given_name(name: str) -> str:
    """The name as the user gave it, to show (escaped) and to keep: only control
    characters and surrounding blanks go; at most 200 characters. `cuts_**bold**_<i>x.mp4`
    stays `cuts_**bold**_<i>x.mp4`; even a slash stays (it is never a path: the file on
    disk has `stored_filename`)."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name or name in (".", ".."):
        raise BadRequest("The file has no usable name; give it a name such as clip.mp4.", code="empty_filename")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot else ""
        name = stem[: MAX_NAME_LENGTH - len(ext) - 1] + "." + ext if ext else name[:MAX_NAME_LENGTH]
    return name


def stored_filename(given: str) -> str:
    """The server-chosen name a file given as `given` is stored under: its safe form
    (`cuts_**bold**_ix.mp4`), or `video.<ext>` when nothing usable is left."""
    try:
        name = safe_filename(given)
    except BadRequest:
        name = "video"
    ext = given.rpartition(".")[2].lower() if "." in given else ""
    if f".{ext}" in VIDEO_EXTENSIONS and not name.lower().endswith(f".{ext}"):
        name = f"{name}.{ext}"  # the extension says what the file is (the player's media type)
    return name
