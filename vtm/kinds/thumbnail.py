"""Thumbnails: one picture of a video at a moment, `width` x `height`, as one file.

The box size is worked out once, when the request is checked: a side left at 0 follows
the other in the video's display aspect. The stored options always have both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Self

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.kinds import limits
from vtm.kinds.base import Kind, Make, Pair
from vtm.kinds.moment import FIRST, Moment, parse_moment
from vtm.kinds.options import Options, VideoShape, option
from vtm.media.box import box_size
from vtm.models import JobKind

FITS = ("cover", "contain", "stretch", "smart")
ROTATIONS = ("0", "90", "180", "270")
FORMATS = ("jpg", "png", "webp")


def parse_hex(name: str, value: object) -> str:
    text = parsing.text(name, value).strip().lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", text):
        raise InvalidInput(f"{name}={parsing.shown(text)}: use a hex colour such as 000000 or ffffff.")
    return text


def parse_rotation(name: str, value: object) -> int:
    """0, 90, 180 or 270 (degrees clockwise); a whole number or its text."""
    text = parsing.text(name, value).strip() if not isinstance(value, int) or isinstance(value, bool) else str(value)
    if text not in ROTATIONS:
        raise InvalidInput(f"{name}={parsing.shown(value)}: use 0, 90, 180 or 270 (degrees clockwise).")
    return int(text)


def parse_size(text: str) -> tuple[int, int]:
    """`320x180`, `320x0` or `320` (width only) as (width, height)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        if len(parts) == 1:
            return int(parts[0]), 0
        if len(parts) == 2:
            return int(parts[0] or 0), int(parts[1] or 0)
    except ValueError:
        pass
    raise InvalidInput(f"--size {text!r}: use WIDTHxHEIGHT, e.g. 320x180 (0 keeps the aspect: 320x0).")



SIDE = "Pixels. Leave empty (or 0) to follow the other side and keep the aspect ratio."


@dataclass(frozen=True)
class ThumbnailOptions(Options):
    width: int = option(0, label="Width", help=SIDE, low=0, high=limits.MAX_SIDE, blank_is_default=True, step=16,
                        placeholder="keep aspect", flag="")
    height: int = option(0, label="Height", help=SIDE, low=0, high=limits.MAX_SIDE, blank_is_default=True, step=16,
                         placeholder="keep aspect", flag="")
    at: Moment = option(FIRST, label="Time", help="`auto` picks a sharp, non-black frame; or seconds (`12.5`); or a "
                        "percentage (`40%`).", parse=parse_moment, json_types=(str, int, float), cli_default="auto",
                        placeholder="auto, 12.5 or 40%")
    fit: str = option("cover", label="Fit", help="cover fills and crops the centre; smart fills and crops around the "
                      "most salient part; contain letterboxes; stretch distorts.", choices=FITS)
    format: str = option("jpg", label="Format", help="The picture's file format.", choices=FORMATS,
                         aliases=(("jpeg", "jpg"),))
    quality: int = option(85, label="Quality", help="JPEG and WebP quality, 1 to 100.", low=1, high=100)
    pad: str = option("000000", label="Bars colour", help="Hex colour of the bars when the fit is contain.",
                      parse=parse_hex, pattern="^#?[0-9a-fA-F]{6}$")
    fast: bool = option(False, label="Nearest keyframe", help="The nearest keyframe instead of the exact frame (faster).")
    # Added with the image URLs (issue 15): left out of the canonical JSON at their defaults.
    rotate: int = option(0, label="Rotate", help="Turn the frame clockwise by 90, 180 or 270 degrees before fitting it.",
                         parse=parse_rotation, json_types=(int,), low=0, high=270, step=90, omit_default=True)
    flip_h: bool = option(False, label="Mirror left-right", help="Mirror the picture left to right (last).",
                          omit_default=True)
    flip_v: bool = option(False, label="Mirror top-bottom", help="Mirror the picture top to bottom (last).",
                          omit_default=True)

    @classmethod
    def refine(cls, values: dict[str, Any], video: VideoShape) -> Self:
        if not values["width"] and not values["height"]:
            raise InvalidInput("Give a width, a height, or both (0 for one of them keeps the aspect).", field="width")
        at: Moment = values["at"]
        if not at.auto and not at.percent and video.duration and at.value > video.duration:
            raise InvalidInput(f"at={at.text}: that is past the end; the video is {video.duration:g} s long "
                               f"(use a time up to {video.duration:g}, a percentage or auto).", field="at")
        shown_w, shown_h = (video.height, video.width) if values["rotate"] in (90, 270) else (video.width, video.height)
        values["width"], values["height"] = box_size(shown_w, shown_h, values["width"], values["height"])
        return cls(**values)

    def check_size(self, video: VideoShape) -> None:
        limits.picture("The thumbnail", video, (self.width, self.height),
                       "Ask for a smaller width or height, or give both sides.")

    def summary(self) -> str:
        return f"{self.width}×{self.height}"

    @classmethod
    def suggestions(cls, video: VideoShape | None = None) -> dict[str, object]:
        return {"width": 320, "height": None, "at": "auto"}


def make(request: Make) -> dict[str, bytes]:
    """The encoded picture, at the moment asked for (or the best one for `auto`)."""
    from vtm.media import render
    from vtm.media.frames import grab, grab_picture
    from vtm.media.picture import covering

    options: ThumbnailOptions = request.options
    seconds = options.at.seconds(request.duration)
    # Decoded frames are shrunk to cover the box before conversion (the box as the frame
    # stands before it is turned).
    turned_box = (options.height, options.width) if options.rotate in (90, 270) else (options.width, options.height)
    size = covering(*turned_box)
    if seconds is None:
        from vtm.media import choose  # scores candidates with OpenCV: loaded only for `auto`

        image = choose.pick(request.source, request.duration, size=size).image
    elif options.fit == "cover" and not (options.rotate or options.flip_h or options.flip_v):
        # The usual picture (a time, cover, no turn): scaled in swscale, cropped and encoded in
        # Pillow, the same pixels without NumPy or OpenCV (~40 ms of `vtm thumbnail`'s start).
        _, picture = grab_picture(request.source, seconds, exact=not options.fast, size=size)
        covered = render.cover_picture(picture, options.width, options.height)
        if covered is not None:
            return {main(options): render.encode_picture(covered, options.format, options.quality)}
        image = render.from_picture(picture)  # a box over half the frame: resized in OpenCV, as below
    else:
        image = grab(request.source, seconds, exact=not options.fast, size=size).image
    # Mux's order: turn, fit, then mirror. OpenCV (orient, smartcrop) loads only for these options.
    if options.rotate:
        from vtm.media import orient

        image = orient.rotate(image, options.rotate)
    if options.fit == "smart":
        from vtm.media import smartcrop

        image = smartcrop.smart_fit(image, options.width, options.height)
    else:
        image = render.fit(image, options.width, options.height, options.fit, options.pad)
    if options.flip_h or options.flip_v:
        from vtm.media import orient

        image = orient.flip(image, horizontal=options.flip_h, vertical=options.flip_v)
    return {main(options): render.encode(image, options.format, options.quality)}


def main(options: ThumbnailOptions) -> str:
    return f"thumbnail.{options.format}"


KIND = Kind(
    name=JobKind.THUMBNAIL,
    options=ThumbnailOptions,
    title="Thumbnails",
    icon=":material/image:",
    request_label="Request thumbnail",
    form=(("width", "height"), ("at",), ("fit",), ("format",), ("rotate", "flip_h", "flip_v")),
    cli_help="One picture per video, written as DIR/<name>.<format>.",
    make=make,
    main=main,
    single_file=True,
    pairs=(Pair("--size", ("width", "height"), "320x0", "WxH; 0 for one side keeps the aspect (default 320x0)", parse_size),),
)
