"""Jellyfin trickplay export: storyboard tiles laid out as Jellyfin (10.9+) lays out its own,
so that a zip unpacked next to a video is picked up by its "import existing trickplay
tiles" step instead of being generated again.

Conventions, from Jellyfin's source (TrickplayManager.cs: GetTrickplayDirectory,
CreateTiles, RefreshTrickplayDataInternal; SkiaEncoder.CreateTrickplayTile;
TrickplayOptions.cs for the defaults):
- folder `<width> - <columns>x<rows>` (e.g. `320 - 10x10`), inside `<video name>.trickplay/`
  next to the video when the library saves trickplay with the media;
- sheets named `0.jpg`, `1.jpg`, ... numbered from 0, nothing else in the folder (the
  importer counts its files);
- every sheet is a full grid, `width * columns` by `height * rows` pixels, thumbnails
  left to right then top to bottom; the last sheet's unused cells stay black;
- defaults: a thumbnail every 10 s (Interval = 10000 ms) at time k * interval, 320 px
  wide (an even width, never wider than the video), 10 x 10 grids, JPEG quality 90.
Jellyfin reads the interval and the grid from its settings, not from the files: an export
made with other values only matches a server configured with the same ones.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import numpy as np

from vtm.errors import InvalidInput
from vtm.media import render

INTERVAL_S = 10.0
WIDTH = 320
COLUMNS = ROWS = 10
QUALITY = 90
MAX_THUMBNAILS = 100_000


def thumbnail_width(video_width: int, width: int = WIDTH) -> int:
    """Jellyfin's thumbnail width: even, and the video's own (even) width when smaller."""
    return 2 * (min(width, video_width) // 2)


def thumbnail_times(duration: float | None, interval: float = INTERVAL_S) -> list[float]:
    """Times of the thumbnails: 0, interval, 2 * interval, ... before the end."""
    if interval <= 0:
        raise InvalidInput("the trickplay interval must be more than 0 seconds")
    if not duration or duration <= 0:
        return [0.0]
    count = min(MAX_THUMBNAILS, max(1, -int(-duration // interval)))
    return [round(k * interval, 3) for k in range(count) if k * interval < duration] or [0.0]


def folder_name(width: int, columns: int = COLUMNS, rows: int = ROWS) -> str:
    return f"{width} - {columns}x{rows}"


def sheets(thumbnails: Sequence[np.ndarray], columns: int = COLUMNS, rows: int = ROWS) -> list[np.ndarray]:
    """Full `columns` x `rows` grids of same-size BGR thumbnails (black where none is left)."""
    if not thumbnails:
        raise InvalidInput("a trickplay export needs at least one thumbnail")
    h, w = thumbnails[0].shape[:2]
    if any(t.shape[:2] != (h, w) for t in thumbnails):
        raise InvalidInput("trickplay thumbnails must all have the same size")
    per_sheet = columns * rows
    out = []
    for first in range(0, len(thumbnails), per_sheet):
        sheet = np.zeros((h * rows, w * columns, 3), np.uint8)
        for n, thumb in enumerate(thumbnails[first : first + per_sheet]):
            r, c = divmod(n, columns)
            sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = thumb
        out.append(sheet)
    return out


def trickplay_zip(thumbnails: Sequence[np.ndarray], *, columns: int = COLUMNS, rows: int = ROWS,
                  quality: int = QUALITY, folder: str = "") -> bytes:
    """A zip (built in memory) of `[folder/]<width> - <columns>x<rows>/<n>.jpg`. `folder` is
    typically `<video file name without extension>.trickplay`."""
    if folder and (folder.startswith(("/", ".")) or "\\" in folder or ".." in folder.split("/")):
        raise InvalidInput(f"not a relative folder name: {folder!r}")
    width = thumbnails[0].shape[1] if thumbnails else 0
    if width % 2:
        raise InvalidInput(f"Jellyfin needs an even thumbnail width, not {width}")
    prefix = (folder.rstrip("/") + "/" if folder else "") + folder_name(width, columns, rows) + "/"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # JPEGs do not compress further
        for n, sheet in enumerate(sheets(thumbnails, columns, rows)):
            archive.writestr(f"{prefix}{n}.jpg", render.encode(sheet, "jpg", quality))
    return out.getvalue()
