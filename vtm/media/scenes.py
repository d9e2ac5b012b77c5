"""Scene cuts, with one keyframe per scene, exportable as JSON and CSV.

Every frame is decoded at a small size (128 px wide) and compared with the one before:
the content score is the mean absolute difference of hue, saturation and value (0-255),
as PySceneDetect's content detector does. A cut is adaptive (PySceneDetect's
AdaptiveDetector idea): a frame starts a new scene when its score is at least
`threshold` times the average score of its neighbours (2 frames each side) and at least
`MIN_CONTENT`, and the scene before it is at least `min_scene` seconds long. Steady
motion raises the neighbours' average too, so pans and moving patterns are not cuts;
fades change little per frame, so they are not cuts either.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vtm.media import render, tiles
from vtm.media.decoder import decoded, frame_time, open_video
from vtm.models import VideoInfo

MIN_CONTENT = 12.0
WINDOW = 2
SMALL_WIDTH = 128
JSON_NAME, CSV_NAME = "scenes.json", "scenes.csv"
CSV_FIELDS = ("scene", "start_s", "end_s", "start", "end", "duration_s", "start_frame", "end_frame", "keyframe_s", "keyframe")


@dataclass(frozen=True)
class Scene:
    scene: int
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int  # inclusive
    keyframe_s: float = 0.0
    keyframe: str = ""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def frame_scores(path: Path, info: VideoInfo, progress: Callable[[float], None] | None = None) -> tuple[list[float], list[float]]:
    """(time of each frame, content score against the previous frame)."""
    times: list[float] = []
    scores: list[float] = []
    expected = info.frame_count or (round(info.duration * info.fps) if info.duration and info.fps else 0)
    previous = None
    with open_video(path) as (container, stream):
        for frame in decoded(container, stream):
            height = max(2, round(frame.height * SMALL_WIDTH / max(1, frame.width)))
            small = frame.reformat(width=SMALL_WIDTH, height=height, format="bgr24", interpolation="AREA").to_ndarray()
            hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV).astype(np.int16)
            scores.append(0.0 if previous is None else float(np.abs(hsv - previous).mean()))
            times.append(frame_time(frame, stream))
            previous = hsv
            if progress and expected and len(times) % 25 == 0:
                progress(min(0.8, 0.8 * len(times) / expected))
    return times, scores


def find_cuts(times: list[float], scores: list[float], threshold: float = 3.0, min_scene: float = 0.5) -> list[int]:
    """Indices of the frames that start a new scene (frame 0 not included)."""
    cuts: list[int] = []
    last = 0
    for i in range(1, len(scores)):
        score = scores[i]
        if score < MIN_CONTENT or times[i] - times[last] < min_scene:
            continue
        around = scores[max(1, i - WINDOW) : i] + scores[i + 1 : i + 1 + WINDOW]
        average = sum(around) / len(around) if around else 0.0
        if average < 1e-6 or score / average >= threshold:
            cuts.append(i)
            last = i
    return cuts


def detect(path: Path, info: VideoInfo, threshold: float = 3.0, min_scene: float = 0.5,
           progress: Callable[[float], None] | None = None) -> list[Scene]:
    times, scores = frame_scores(path, info, progress)
    if not times:
        return []
    starts = [0, *find_cuts(times, scores, threshold, min_scene)]
    step = (times[-1] - times[-2]) if len(times) > 1 else (1 / info.fps if info.fps else 0.04)
    end_of_video = max(times[-1] + step, info.duration or 0.0)
    scenes = []
    for n, first in enumerate(starts):
        last = starts[n + 1] - 1 if n + 1 < len(starts) else len(times) - 1
        end = times[starts[n + 1]] if n + 1 < len(starts) else end_of_video
        scenes.append(Scene(n + 1, round(times[first], 3), round(end, 3), first, last))
    return scenes


def keyframe_name(scene: Scene) -> str:
    return f"scene-{scene.scene:03d}.jpg"


def make_scenes(path: Path, info: VideoInfo, params: dict[str, Any], *,
                progress: Callable[[float], None] | None = None) -> dict[str, bytes]:
    """{"scenes.json", "scenes.csv", "scene-001.jpg", ...}: the cuts and one keyframe per
    scene (the frame in its middle)."""
    found = detect(path, info, float(params["threshold"]), float(params["min_scene"]), progress)
    size = tiles.tile_size(info.width, info.height, int(params["width"]))
    middles = [round((s.start_s + s.end_s) / 2, 3) for s in found]
    grabs = tiles.grab_tiles(path, middles, size=size, fast=False) if found else []
    scenes = [Scene(**{**asdict(s), "keyframe_s": round(g.time, 3), "keyframe": keyframe_name(s)}) for s, g in zip(found, grabs, strict=True)]
    files = {keyframe_name(s): render.encode(g.image, "jpg", 85) for s, g in zip(scenes, grabs, strict=True)}
    files[JSON_NAME] = to_json(scenes, info).encode()
    files[CSV_NAME] = to_csv(scenes).encode()
    if progress:
        progress(1.0)
    return files


def rows(scenes: list[Scene]) -> list[dict[str, Any]]:
    return [{
        "scene": s.scene, "start_s": s.start_s, "end_s": s.end_s, "start": tiles.timestamp(s.start_s, millis=True),
        "end": tiles.timestamp(s.end_s, millis=True), "duration_s": round(s.duration_s, 3), "start_frame": s.start_frame,
        "end_frame": s.end_frame, "keyframe_s": s.keyframe_s, "keyframe": s.keyframe,
    } for s in scenes]


def to_json(scenes: list[Scene], info: VideoInfo) -> str:
    return json.dumps({"duration": info.duration, "fps": info.fps, "count": len(scenes), "scenes": rows(scenes)}, indent=2)


def to_csv(scenes: list[Scene]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(scenes))
    return out.getvalue()


def from_json(text: str) -> list[Scene]:
    data = json.loads(text)
    return [Scene(r["scene"], r["start_s"], r["end_s"], r["start_frame"], r["end_frame"], r["keyframe_s"], r["keyframe"])
            for r in data["scenes"]]
