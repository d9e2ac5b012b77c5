"""Storyboards in media servers' own formats, from the same options as the WebVTT one:

- `bif`: one BIF archive (Roku, Plex, Emby: vtm.media.bif), a JPEG per tile at its time;
- `jellyfin`: Jellyfin's trickplay tiles (vtm.media.trickplay), zipped as
  `<video name>.trickplay/<width> - <columns>x<rows>/<n>.jpg`, so that unzipping it next
  to the video is the layout Jellyfin imports.

Tiles are taken at 0, every, 2 x every, ... up to the end (as Jellyfin and Roku's biftool
take theirs), or `count` spread evenly; Jellyfin's tile width is even."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtm.errors import InvalidInput
from vtm.media import bif, trickplay
from vtm.media.storyboard import plan, tile_images
from vtm.models import VideoInfo

BIF_NAME, ZIP_NAME = "storyboard.bif", "trickplay.zip"


def tile_times(duration: float | None, every: float, count: int) -> list[float]:
    if count:
        return plan(duration, 0.0, count)
    return trickplay.thumbnail_times(duration, every)


def make_export(path: Path, info: VideoInfo, params: dict[str, Any], *,
                progress: Callable[[float], None] | None = None) -> dict[str, bytes]:
    """{BIF_NAME: ...} or {ZIP_NAME: ...} for params with `format` bif or jellyfin."""
    fmt = params["format"]
    times = tile_times(info.duration, float(params.get("every") or 0), int(params.get("count") or 0))
    if fmt == "jellyfin":
        params = {**params, "width": trickplay.thumbnail_width(info.width, int(params["width"]))}
    _, images = tile_images(path, info, params, times, progress)
    quality = int(params.get("quality", 75))
    if fmt == "bif":
        return {BIF_NAME: bif.bif_from_images(times, images, quality)}
    columns, rows = int(params["columns"]), int(params["rows"])
    try:
        return {ZIP_NAME: trickplay.trickplay_zip(images, columns=columns, rows=rows, quality=quality,
                                                  folder=f"{path.stem}.trickplay")}
    except InvalidInput:  # a file name that cannot be a folder in a zip: the tiles' folder alone
        return {ZIP_NAME: trickplay.trickplay_zip(images, columns=columns, rows=rows, quality=quality)}
