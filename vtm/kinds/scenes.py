"""Scenes: where the shots of a video change. A frame `threshold` times more different
than its neighbours starts a scene at least `min_scene` seconds after the last; each
scene gets a keyframe `width` px wide. The list (JSON, the main file, and CSV) names
the keyframes."""

from __future__ import annotations

from dataclasses import dataclass

from vtm.kinds import limits
from vtm.kinds.base import Kind, Make
from vtm.kinds.options import Options, VideoShape, option
from vtm.models import JobKind


@dataclass(frozen=True)
class ScenesOptions(Options):
    threshold: float = option(3.0, label="Sensitivity", help="A frame this many times more different than its neighbours "
                              "starts a scene. Lower finds more cuts.", low=1.1, high=50, step=0.5)
    min_scene: float = option(0.5, label="Shortest scene (s)", help="Shortest scene in seconds.", low=0, high=600, step=0.5)
    width: int = option(320, label="Keyframe width", help="Pixels; the height follows the video's aspect.", low=32,
                        high=1280, step=16)

    def check_size(self, video: VideoShape) -> None:
        limits.tile("Each scene keyframe", video, self.width)

    def summary(self) -> str:
        return f"{self.width} px wide"


def make(request: Make) -> dict[str, bytes]:
    from vtm.media.probe import probe
    from vtm.media.scenes import make_scenes

    info = request.info or probe(request.source)
    return make_scenes(request.source, info, request.options.to_json(), progress=request.progress)


def main(options: ScenesOptions) -> str:
    return "scenes.json"  # vtm.media.scenes.JSON_NAME; scenes.csv and the keyframes beside it


KIND = Kind(
    name=JobKind.SCENES,
    options=ScenesOptions,
    title="Scenes",
    icon=":material/movie_filter:",
    request_label="Find scenes",
    form=(("threshold", "min_scene"),),
    cli_help="Scene cuts: a table (or --csv/--json) on stdout; with -o also keyframes.",
    make=make,
    main=main,
    linked=True,
)


def scene_rows(request: Make) -> list[dict[str, object]]:
    """The scenes of a file without keyframes (the CLI's table): number, times, frames."""
    from vtm.media import scenes
    from vtm.media.probe import probe

    info = request.info or probe(request.source)
    options: ScenesOptions = request.options
    found = scenes.detect(request.source, info, options.threshold, options.min_scene, request.progress)
    return [{k: v for k, v in row.items() if k not in ("keyframe", "keyframe_s")} for row in scenes.rows(found)]
