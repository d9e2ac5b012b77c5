"""Animated previews: `moments` short clips of `seconds` each at `fps`, `width` px wide,
as an animated WebP (the main file) and a GIF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from vtm.errors import InvalidInput
from vtm.kinds import limits
from vtm.kinds.base import Kind, Make
from vtm.kinds.options import Options, VideoShape, option
from vtm.models import JobKind

MAX_PREVIEW_FRAMES = 300


@dataclass(frozen=True)
class PreviewOptions(Options):
    width: int = option(320, label="Width", help="Pixels; the height follows the video's aspect.", low=32, high=960, step=16)
    moments: int = option(4, label="Moments", help="Short clips spread over the video.", low=1, high=12)
    seconds: float = option(1.2, label="Seconds", help="Length of each moment.", low=0.2, high=10, step=0.2)
    fps: int = option(8, label="Frames per second", help="Frames per second of the animation.", low=1, high=30)
    quality: int = option(70, label="Quality", help="WebP quality, 1 to 100.", low=1, high=100)

    @classmethod
    def refine(cls, values: dict[str, Any], video: VideoShape) -> Self:
        frames = values["moments"] * round(values["seconds"] * values["fps"])
        if frames > MAX_PREVIEW_FRAMES:
            raise InvalidInput(f"That preview would have {frames} frames; keep moments x seconds x fps under "
                               f"{MAX_PREVIEW_FRAMES}.")
        return cls(**values)

    def check_size(self, video: VideoShape) -> None:
        size = limits.tile("Each preview frame", video, self.width)
        frames = self.moments * max(1, round(self.seconds * self.fps))
        limits.frames("The preview", frames, size,
                      "Use a smaller width, fewer moments, shorter moments or a lower fps.")

    def summary(self) -> str:
        return f"{self.width} px wide"


def make(request: Make) -> dict[str, bytes]:
    from vtm.media.preview import make_preview
    from vtm.media.probe import probe

    info = request.info or probe(request.source)
    return make_preview(request.source, info, request.options.to_json(), progress=request.progress)


def main(options: PreviewOptions) -> str:
    return "preview.webp"  # vtm.media.preview.WEBP_NAME; the GIF beside it


KIND = Kind(
    name=JobKind.PREVIEW,
    options=PreviewOptions,
    title="Preview",
    icon=":material/animated_images:",
    request_label="Request animated preview",
    form=(("moments", "seconds", "width"),),
    cli_help="Animated WebP + GIF per video, DIR/<name>.preview.webp/.gif.",
    make=make,
    main=main,
)
