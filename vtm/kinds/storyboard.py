"""Storyboards: a tile every `every` seconds (or `count` tiles in all), packed into
sprite sheets of `columns` x `rows`, and a WebVTT file whose cues point into them: what
a player shows while seeking. The VTT is the main file; it names its sprites."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Self

from vtm.kinds import limits
from vtm.kinds.base import Kind, Make, Pair
from vtm.kinds.grid import parse_grid
from vtm.kinds.options import Options, RawOptions, VideoShape, option
from vtm.models import JobKind

FORMATS = ("webvtt", "bif", "jellyfin")  # vtm.media.storyboard_formats.FORMATS


@dataclass(frozen=True)
class StoryboardOptions(Options):
    every: float = option(10.0, label="Every (seconds)", help="Seconds between tiles; players show these tiles while you "
                          "scrub.", low=0.1, high=3600, step=0.5)
    count: int = option(0, label="Tiles", help="Tiles in all, spread evenly (overrides every).", low=0, high=1000)
    width: int = option(160, label="Tile width", help="Pixels; the height follows the video's aspect.", low=32, high=640,
                        step=16)
    columns: int = option(10, label="Columns", help="Tiles across a sprite sheet.", low=1, high=30, flag="")
    rows: int = option(10, label="Rows", help="Tiles down a sprite sheet.", low=1, high=30, flag="")
    fast: bool = option(True, label="Keyframes", help="The nearest keyframes (fast) instead of the exact frames.",
                        flag="--exact", inverted_flag=True)
    quality: int = option(75, label="Quality", help="JPEG quality of the sprites, 1 to 100.", low=1, high=100)
    # Added with the media server exports (issue 15): left out of the canonical JSON at its default.
    height: int = option(0, label="Tile height", help="Pixels; 0 follows the video's aspect. With a height the tiles are "
                         "cropped to width x height (see fit).", low=0, high=640, step=16, omit_default=True)
    fit: str = option("cover", label="Crop", help="With a height: cover crops the centre; smart crops around what is "
                      "salient in all the tiles (one box for all: the crop never jumps).", choices=("cover", "smart"),
                      omit_default=True)
    format: str = option("webvtt", label="Format", help="webvtt: sprites and a WebVTT; bif: a BIF archive (Roku, Plex, "
                         "Emby); jellyfin: Jellyfin's trickplay tiles, zipped.", choices=FORMATS, omit_default=True)

    @classmethod
    def prepare(cls, raw: RawOptions) -> dict[str, object]:
        """`count` wins over `every`: when it is given, `every` is not read at all."""
        values = dict(raw)
        if cls.parse_value("count", values.get("count")):
            values.pop("every", None)
        return values

    @classmethod
    def refine(cls, values: dict[str, Any], video: VideoShape) -> Self:
        if values["count"]:
            values["every"] = 0.0
        return cls(**values)

    def check_size(self, video: VideoShape) -> None:
        from vtm.media.storyboard import plan

        w, h = limits.tile("Each storyboard tile", video, self.width)
        h = self.height or h
        count = len(plan(video.duration, self.every, self.count))
        columns = min(self.columns, count)
        rows = min(self.rows, math.ceil(count / columns))
        limits.grid("A storyboard sprite", (columns * w, rows * h), "Use fewer columns or rows, or a smaller width.")

    def summary(self) -> str:
        return f"every {self.every:g} s" if self.every else (f"{self.count} tiles" if self.count else "")

    @classmethod
    def suggestions(cls, video: VideoShape | None = None) -> dict[str, object]:
        """About 40 tiles over the video, between 0.5 and 10 s apart."""
        if video is None or not video.duration:
            return {}
        return {"every": float(min(10.0, max(0.5, round(video.duration / 40 * 2) / 2)))}


def make(request: Make) -> dict[str, bytes]:
    from vtm.media.probe import probe
    from vtm.media.storyboard import make_storyboard

    info = request.info or probe(request.source)
    if request.options.format != "webvtt":
        from vtm.media.storyboard_formats import make_export

        return make_export(request.source, info, request.options.to_json(), progress=request.progress)
    return make_storyboard(request.source, info, request.options.to_json(), url_prefix=request.url_prefix,
                           progress=request.progress)


def main(options: StoryboardOptions) -> str:
    # vtm.media.storyboard.VTT_NAME, vtm.media.storyboard_formats.BIF_NAME and ZIP_NAME
    return {"bif": "storyboard.bif", "jellyfin": "trickplay.zip"}.get(options.format, "storyboard.vtt")


KIND = Kind(
    name=JobKind.STORYBOARD,
    options=StoryboardOptions,
    title="Storyboard",
    icon=":material/view_carousel:",
    request_label="Request storyboard",
    form=(("every", "width"), ("format",)),
    cli_help="Sprites + WebVTT per video, in DIR/<name>.storyboard/.",
    make=make,
    main=main,
    linked=True,
    pairs=(Pair("--grid", ("columns", "rows"), "10x10", "tiles per sprite, COLUMNSxROWS (default 10x10)", parse_grid),),
)
