"""Turning values into short text for people: sizes, durations, times, safe names."""

from __future__ import annotations

import string
from datetime import UTC, datetime

from vtm.models import Video

_PUNCTUATION = frozenset(string.punctuation)  # every ASCII punctuation character may be backslash-escaped
WORD_JOINER = "\u2060"  # invisible, zero-width, no line break


def md(text: str) -> str:
    """`text` as Markdown that shows it exactly as typed: never formatting, a link, an
    image, HTML, math, or one of Streamlit's directives (`:red[x]`) and icons.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows it for all
    of them), which stops `**`, `[..](..)`, `![..](..)`, `<tag>`, `&entity;`, `$math$`
    and `:red[...]`. Some transforms run on the *text* after parsing, where escapes are
    gone: GFM links bare `http://`, `www.` and `a@b.c`; Streamlit turns `:material_x:`,
    `:streamlit:` and emoji shortcodes into icons and pictures. An invisible word joiner
    (U+2060) after such a `:` or `@`, and between `www` and `.`, breaks those patterns.
    Line breaks become spaces."""
    out = []
    for i, ch in enumerate(text):
        if ch in "\r\n":
            out.append(" ")
            continue
        if ch == "." and text[max(0, i - 3) : i].lower() == "www":
            out.append(WORD_JOINER)
        out.append("\\" + ch if ch in _PUNCTUATION else ch)
        following = text[i + 1 : i + 2]
        if (ch == ":" and (following.isalnum() or following in ("_", "+", "-", "/"))) or (ch == "@" and following):
            out.append(WORD_JOINER)
    return "".join(out)


def size(num_bytes: int | None) -> str:
    if not num_bytes:
        return "0 B"
    value = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def clock(seconds: float | None) -> str:
    """The dashboard's one format for a span or a moment of time: 1:02:03, 2:03, 5.2 s
    (tenths below a minute), 0.04 s (hundredths below a tenth)."""
    if seconds is None:
        return "?"
    if 0 < seconds < 0.1:
        return f"{seconds:.2f} s"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    if minutes:
        return f"{minutes}:{secs:02d}"
    return f"{seconds:.1f} s"


def ago(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return utc_time(when) + " UTC"  # as the Jobs table writes it


def utc_time(when: datetime) -> str:
    """`Nov 27 10:20`: a time in UTC, as the Jobs table's "created (UTC)" column shows it."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%b %-d %H:%M")


def video_facts(video: Video) -> str:
    """`1920×1080 · 1:02 · 29.97 fps · h264 · 12.3 MB`"""
    length = clock(video.duration) + (" (measured)" if video.duration_measured else "") if video.duration else "length unknown"
    parts = [f"{video.width}×{video.height}", length]
    if video.fps:
        parts.append(f"{video.fps:.2f}".rstrip("0").rstrip(".") + " fps")
    parts.append(video.codec or "codec unknown")
    parts.append(size(video.size))
    if video.rotation:
        parts.append(f"rotation {video.rotation_ffprobe}°")  # ffprobe's display-matrix angle
    if video.sample_aspect_ratio and video.sample_aspect_ratio != "1:1":
        parts.append(f"pixels {video.sample_aspect_ratio}")
    if video.hdr:
        parts.append({"pq": "HDR10 (PQ)", "hlg": "HDR (HLG)"}.get(video.hdr, "HDR"))
    if video.field_order:
        parts.append("interlaced")
    return " · ".join(parts)
