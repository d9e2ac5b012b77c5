"""Turning values into short text for people: sizes, durations, times, safe names."""

from __future__ import annotations

from datetime import UTC, datetime

from vtm.models import Video

_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


def md(text: str) -> str:
    """`text` as Markdown that shows it exactly as typed: never formatting, links or
    HTML (Streamlit escapes HTML in Markdown; this also neutralises `**`, `[..](..)`)."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)


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
    """1:02:03, 2:03 or 5.2 s (tenths below a minute)."""
    if seconds is None:
        return "?"
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
    return when.strftime("%Y-%m-%d")


def video_facts(video: Video) -> str:
    """`1920×1080 · 1:02 · 29.97 fps · h264 · 12.3 MB`"""
    parts = [f"{video.width}×{video.height}", clock(video.duration) if video.duration else "length unknown"]
    if video.fps:
        parts.append(f"{video.fps:.2f}".rstrip("0").rstrip(".") + " fps")
    parts.append(video.codec or "codec unknown")
    parts.append(size(video.size))
    if video.rotation:
        parts.append(f"rotated {video.rotation}°")
    return " · ".join(parts)
