"""Contact sheets: `columns` x `rows` tiles spread over the video, each `width` px wide,
under a header with the file's facts; one picture in the output folder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from vtm.kinds import limits
from vtm.kinds.base import Kind, Make, Pair
from vtm.kinds.grid import parse_grid
from vtm.kinds.options import Options, RawOptions, VideoShape, option
from vtm.kinds.thumbnail import FORMATS
from vtm.models import JobKind


@dataclass(frozen=True)
class SheetOptions(Options):
    aliases: ClassVar[tuple[str, ...]] = ("grid",)

    columns: int = option(4, label="Columns", help="Tiles across.", low=1, high=12, flag="")
    rows: int = option(4, label="Rows", help="Tiles down.", low=1, high=20, flag="")
    width: int = option(320, label="Tile width", help="Pixels; the height follows the video's aspect.", low=32, high=1280,
                        step=16)
    fast: bool = option(True, label="Keyframes", help="The nearest keyframes (fast) instead of the exact frames.",
                        flag="--exact", inverted_flag=True)
    format: str = option("jpg", label="Format", help="The picture's file format.", choices=FORMATS,
                         aliases=(("jpeg", "jpg"),))
    quality: int = option(85, label="Quality", help="JPEG and WebP quality, 1 to 100.", low=1, high=100)

    @classmethod
    def prepare(cls, raw: RawOptions) -> dict[str, object]:
        """`grid` ("4x4") stands for columns and rows, and wins over them."""
        values = dict(raw)
        grid = values.pop("grid", None)
        if grid is not None:
            values["columns"], values["rows"] = parse_grid(grid)
        return values

    def check_size(self, video: VideoShape) -> None:
        from vtm.media.sheet import GAP

        w, h = limits.tile("Each tile of the contact sheet", video, self.width)
        size = (self.columns * w + (self.columns + 1) * GAP, self.rows * h + (self.rows + 1) * GAP + limits.SHEET_HEADER)
        limits.grid("The contact sheet", size, "Use fewer rows or columns, or a smaller tile width.")

    def summary(self) -> str:
        return f"{self.columns}×{self.rows} grid"


def make(request: Make) -> dict[str, bytes]:
    from vtm.media.probe import probe
    from vtm.media.sheet import make_sheet

    info = request.info or probe(request.source)
    options: SheetOptions = request.options
    data = make_sheet(request.source, info, options.to_json(), name=request.source.name,
                      size_bytes=request.source.stat().st_size, progress=request.progress)
    return {main(options): data}


def main(options: SheetOptions) -> str:
    return f"sheet.{options.format}"


KIND = Kind(
    name=JobKind.SHEET,
    options=SheetOptions,
    title="Contact sheet",
    icon=":material/grid_view:",
    request_label="Request contact sheet",
    form=(("columns", "rows", "width"),),
    cli_help="A contact sheet per video, DIR/<name>.sheet.<format>.",
    make=make,
    main=main,
    pairs=(Pair("--grid", ("columns", "rows"), "4x4", "COLUMNSxROWS (default 4x4)", parse_grid),),
)
