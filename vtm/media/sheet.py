"""Contact sheets, like vcsi: a header (file name, duration, resolution, codec, size)
over rows x columns frames evenly spread through the video (the first and last 5% left
out), each stamped with its time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vtm.media import fonts, render, tiles
from vtm.models import VideoInfo

GAP = 6
BACKGROUND = (24, 24, 24)  # RGB
TEXT = (235, 235, 235)
MUTED = (170, 170, 170)


def sheet_times(duration: float | None, count: int) -> list[float]:
    return tiles.spread(duration, count, skip=0.05)


def make_sheet(path: Path, info: VideoInfo, params: dict[str, Any], *, name: str, size_bytes: int,
               progress: Callable[[float], None] | None = None) -> bytes:
    """The encoded sheet for normalised `params` (columns, rows, width, fast, format, quality)."""
    columns, rows = int(params["columns"]), int(params["rows"])
    size = tiles.tile_size(info.width, info.height, int(params["width"]))
    times = sheet_times(info.duration, columns * rows)
    grabs = tiles.grab_tiles(path, times, size=size, fast=bool(params.get("fast", True)),
                             near=True, progress=progress)
    body = tiles.grid([g.image for g in grabs], columns, GAP, BACKGROUND[::-1])
    image = Image.fromarray(np.ascontiguousarray(body[..., ::-1]))
    _stamp_times(image, [g.time for g in grabs], columns, size)
    sheet = _with_header(image, header_lines(info, name=name, size_bytes=size_bytes))
    out = np.ascontiguousarray(np.asarray(sheet)[..., ::-1])
    return render.encode(out, params.get("format", "jpg"), int(params.get("quality", 85)))


def header_lines(info: VideoInfo, *, name: str, size_bytes: int) -> list[str]:
    duration = tiles.timestamp(info.duration) if info.duration else "unknown"
    parts = [f"Duration {duration}", f"{info.width}x{info.height}"]
    if info.fps:
        parts.append(f"{info.fps:.3g} fps")
    parts.append(f"codec {info.codec or 'unknown'}")
    parts.append(f"size {human_size(size_bytes)}")
    return [name, "   ·   ".join(parts)]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def font(size: int) -> Any:
    return ImageFont.load_default(size)


def _stamp_times(image: Image.Image, times: list[float], columns: int, size: tuple[int, int]) -> None:
    draw = ImageDraw.Draw(image, "RGBA")
    w, h = size
    face = font(max(9, min(22, w // 12)))
    short = bool(times) and max(times) < 60
    for i, seconds in enumerate(times):
        r, c = divmod(i, columns)
        x1, y1 = GAP + c * (w + GAP) + w, GAP + r * (h + GAP) + h
        label = tiles.timestamp(seconds, tenths=short)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=face)
        pad = max(2, face.size // 5)
        box = (x1 - (right - left) - 3 * pad, y1 - (bottom - top) - 3 * pad, x1 - pad, y1 - pad)
        draw.rectangle(box, fill=(0, 0, 0, 150))
        draw.text((box[0] + pad - left, box[1] + pad - top), label, font=face, fill=TEXT)


def _with_header(body: Image.Image, lines: list[str]) -> Image.Image:
    big, small = font(max(14, min(26, body.width // 50))), font(max(11, min(18, body.width // 70)))
    heights = [big.size + 6, small.size + 6]
    height = GAP * 2 + sum(heights)
    sheet = Image.new("RGB", (body.width, height + body.height), BACKGROUND)
    y = GAP + 2
    for line, face, colour, step in zip(lines, (big, small), (TEXT, MUTED), heights, strict=False):
        fonts.draw_line(sheet, (GAP + 4, y), line, face.size, colour, body.width - 2 * GAP)  # any script (vtm.media.fonts)
        y += step
    sheet.paste(body, (0, height))
    return sheet
