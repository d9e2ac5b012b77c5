"""Animated previews, `width` px wide at `fps`, as an animated WebP and a GIF (`format`
says which is the main file), in one of three shapes:

- `moments` short clips of `seconds` each, spread over the video (the default);
- `highlights: N`: N segments of `seconds` from the most distinct scenes (the scene
  detector, then `vtm.media.highlights`), in the video's order, joined with crossfades;
- one clip from `start` to `end` (when `end` is given and `highlights` is 0): what Mux's
  `animated.gif?start=&end=` shows.

`start` and `end` also bound where moments and highlights are taken from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from vtm.errors import InvalidInput
from vtm.kinds import limits
from vtm.kinds.base import Kind, Make
from vtm.kinds.options import Options, VideoShape, option
from vtm.models import JobKind

MAX_PREVIEW_FRAMES = 300
FORMATS = ("webp", "gif")
MAX_CLIP_S = 60.0


@dataclass(frozen=True)
class PreviewOptions(Options):
    width: int = option(320, label="Width", help="Pixels; the height follows the video's aspect.", low=32, high=960, step=16)
    moments: int = option(4, label="Moments", help="Short clips spread over the video.", low=1, high=12)
    seconds: float = option(1.2, label="Seconds", help="Length of each moment.", low=0.2, high=10, step=0.2)
    fps: int = option(8, label="Frames per second", help="Frames per second of the animation.", low=1, high=30)
    quality: int = option(70, label="Quality", help="WebP quality, 1 to 100.", low=1, high=100)
    # Added with highlights and Mux's animated URLs (issue 15): left out of the canonical JSON at their defaults.
    start: float = option(0.0, label="From (seconds)", help="Where the preview may start.", low=0, high=1e7, step=0.5,
                          omit_default=True)
    end: float = option(0.0, label="To (seconds)", help="Where it stops (0: the end of the video). With highlights at 0, "
                        "the preview is the one clip from start to end.", low=0, high=1e7, step=0.5, omit_default=True)
    highlights: int = option(0, label="Highlights", help="Segments from this many of the most distinct scenes, joined "
                             "with crossfades (0: spread moments instead).", low=0, high=12, omit_default=True)
    format: str = option("webp", label="Main format", help="The main file: the animated WebP or the GIF (both are made).",
                         choices=FORMATS, omit_default=True)

    @property
    def clip(self) -> bool:
        """One continuous clip from `start` to `end`."""
        return self.end > 0 and not self.highlights

    def frame_count(self) -> int:
        if self.clip:
            return max(1, round((self.end - self.start) * self.fps))
        return (self.highlights or self.moments) * max(1, round(self.seconds * self.fps))

    @classmethod
    def refine(cls, values: dict[str, Any], video: VideoShape) -> Self:
        if values["end"] and values["end"] <= values["start"]:
            raise InvalidInput(f"end={values['end']:g} must be after start={values['start']:g}.")
        if video.duration and values["start"] >= video.duration:
            raise InvalidInput(f"start={values['start']:g} is past the end of the video ({video.duration:g} s).")
        if video.duration and values["end"] > video.duration:
            values["end"] = round(video.duration, 3)
        if values["end"] and not values["highlights"] and values["end"] - values["start"] > MAX_CLIP_S:
            raise InvalidInput(f"A clip from start to end lasts at most {MAX_CLIP_S:g} s.")
        frames = cls(**values).frame_count()
        if frames > MAX_PREVIEW_FRAMES:
            raise InvalidInput(f"That preview would have {frames} frames; keep moments (or highlights) x seconds x fps, "
                               f"or (end - start) x fps, under {MAX_PREVIEW_FRAMES}.")
        return cls(**values)

    def check_size(self, video: VideoShape) -> None:
        size = limits.tile("Each preview frame", video, self.width)
        limits.frames("The preview", self.frame_count(), size,
                      "Use a smaller width, fewer moments, shorter moments or a lower fps.")

    def summary(self) -> str:
        shape = f", {self.highlights} highlights" if self.highlights else (f", {self.start:g}-{self.end:g} s" if self.clip else "")
        return f"{self.width} px wide{shape}"


def make(request: Make) -> dict[str, bytes]:
    from vtm.media.preview import make_preview
    from vtm.media.probe import probe

    info = request.info or probe(request.source)
    options: PreviewOptions = request.options
    files = make_preview(request.source, info, options.to_json(), progress=request.progress)
    name = main(options)
    return {name: files.pop(name), **files}  # the main file first


def main(options: PreviewOptions) -> str:
    return f"preview.{options.format}"  # vtm.media.preview.WEBP_NAME or GIF_NAME; the other beside it


KIND = Kind(
    name=JobKind.PREVIEW,
    options=PreviewOptions,
    title="Preview",
    icon=":material/animated_images:",
    request_label="Request animated preview",
    form=(("moments", "seconds", "width"), ("highlights", "start", "end")),
    cli_help="Animated WebP + GIF per video, DIR/<name>.preview.webp/.gif.",
    make=make,
    main=main,
)
