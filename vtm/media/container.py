"""Which container a file is, from its first bytes, before any decoder sees it.

Only self-contained formats are allowed. Playlists (HLS, concat), image sequences and
anything else that can make FFmpeg open other files or URLs are refused here, so a file
like `clip.m3u8` listing `/etc/passwd` never reaches a demuxer.
"""

from __future__ import annotations

from pathlib import Path

from vtm.errors import Unsupported

# Our name -> FFmpeg demuxer that is forced when opening.
ALLOWED = {
    "mp4": "mov",
    "matroska": "matroska",
    "avi": "avi",
    "mpegts": "mpegts",
    "m2ts": "mpegts",
    "mpeg": "mpeg",
    "mpegvideo": "mpegvideo",
}
ISO_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot", b"uuid"}
ACCEPTED_TEXT = "mp4, mov, m4v, mkv, webm, avi, mpeg or ts"


def sniff(path: Path) -> str:
    """Our container name for `path`, or Unsupported naming what it looks like."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head:
        raise Unsupported("The file is empty (0 bytes).", code="empty_file")
    if len(head) >= 8 and head[4:8] in ISO_BOXES:
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if _is_ts(head, 0, 188):
        return "mpegts"
    if _is_ts(head, 4, 192):
        return "m2ts"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg"
    if head.startswith(b"\x00\x00\x01\xb3"):
        return "mpegvideo"
    raise Unsupported(f"It is {_describe(head)}, not a video container VTM accepts ({ACCEPTED_TEXT}).")


def demuxer(container: str) -> str:
    return ALLOWED[container]


def _is_ts(head: bytes, start: int, period: int) -> bool:
    positions = range(start, min(len(head), start + period * 4), period)
    return len(head) > start + period and all(head[p] == 0x47 for p in positions)


def _describe(head: bytes) -> str:
    text = head.lstrip()
    if text.startswith(b"#EXTM3U") or text.startswith(b"#EXT"):
        return "a playlist (HLS/M3U), which can point at other files"
    if text.startswith(b"ffconcat"):
        return "an FFmpeg concat list, which can point at other files"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or head[8:12] == b"WEBP":
        return "an image"
    if head.startswith((b"ID3", b"fLaC", b"OggS")) or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return "audio"
    if head[8:12] == b"WAVE":
        return "audio (WAV)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "an unknown kind of file"
