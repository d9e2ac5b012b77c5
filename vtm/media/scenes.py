"""Scenes: where shots change (cuts, fades through black, dissolves; see
vtm.media.shots), with one keyframe per scene, exportable as JSON and CSV.

Every frame is decoded and shrunk to 64x36 in the same swscale pass (area averaging),
then compared in YCbCr. Each scene after the first says how it begins: `cut`, or
`fade` with the fade's first and last moments (`fade_start_s`, `fade_end_s`).
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

from vtm.media import render, tiles
from vtm.media.decoder import decoded, frame_time, open_video
from vtm.media.shots import TINY, Boundary, Detector, tiny
from vtm.models import VideoInfo

JSON_NAME, CSV_NAME = "scenes.json", "scenes.csv"
CSV_FIELDS = ("scene", "start_s", "end_s", "start", "end", "duration_s", "start_frame", "end_frame", "transition",
              "fade_start_s", "fade_end_s", "keyframe_s", "keyframe")


@dataclass(frozen=True)
class Scene:
    scene: int
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int  # inclusive
    keyframe_s: float = 0.0
    keyframe: str = ""
    transition: str | None = None  # how the scene begins: "cut" or "fade" (None for the first)
    fade_start_s: float | None = None
    fade_end_s: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def boundaries(path: Path, info: VideoInfo, threshold: float = 3.0,
               progress: Callable[[float], None] | None = None) -> tuple[list[float], list[Boundary]]:
    """(time of each frame, the shot changes found)."""
    times: list[float] = []
    detector = Detector(info.fps or 25.0, threshold)
    expected = info.frame_count or (round(info.duration * info.fps) if info.duration and info.fps else 0)
    with open_video(path) as (container, stream):
        for frame in decoded(container, stream):
            small = frame.reformat(width=TINY[0], height=TINY[1], format="bgr24", interpolation="AREA").to_ndarray()
            detector.add(tiny(cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb)))
            times.append(frame_time(frame, stream))
            if progress and expected and len(times) % 25 == 0:
                progress(min(0.8, 0.8 * len(times) / expected))
    return times, detector.finish()


def detect(path: Path, info: VideoInfo, threshold: float = 3.0, min_scene: float = 0.5,
           progress: Callable[[float], None] | None = None) -> list[Scene]:
    times, found = boundaries(path, info, threshold, progress)
    if not times:
        return []
    kept: list[Boundary] = []
    for b in found:
        if 0 < b.frame < len(times) and times[b.frame] - times[kept[-1].frame if kept else 0] >= min_scene:
            kept.append(b)
    step = (times[-1] - times[-2]) if len(times) > 1 else (1 / info.fps if info.fps else 0.04)
    end_of_video = max(times[-1] + step, info.duration or 0.0)
    scenes = []
    for n, first in enumerate([0, *(b.frame for b in kept)]):
        last = kept[n].frame - 1 if n < len(kept) else len(times) - 1
        end = times[kept[n].frame] if n < len(kept) else end_of_video
        came = kept[n - 1] if n else None
        fade = came is not None and came.kind == "fade"
        scenes.append(Scene(n + 1, round(times[first], 3), round(end, 3), first, last,
                            transition=came.kind if came else None,
                            fade_start_s=round(times[came.start], 3) if fade and came else None,
                            fade_end_s=round(times[min(came.end, len(times) - 1)], 3) if fade and came else None))
    return scenes


def keyframe_name(scene: Scene) -> str:
    return f"scene-{scene.scene:03d}.jpg"


def make_scenes(path: Path, info: VideoInfo, params: dict[str, Any], *,
                progress: Callable[[float], None] | None = None) -> dict[str, bytes]:
    """{"scenes.json", "scenes.csv", "scene-001.jpg", ...}: the scenes and one keyframe
    per scene (the frame in its middle)."""
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
        "end_frame": s.end_frame, "transition": s.transition, "fade_start_s": s.fade_start_s, "fade_end_s": s.fade_end_s,
        "keyframe_s": s.keyframe_s, "keyframe": s.keyframe,
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
    return [Scene(r["scene"], r["start_s"], r["end_s"], r["start_frame"], r["end_frame"], r["keyframe_s"], r["keyframe"],
                  r.get("transition"), r.get("fade_start_s"), r.get("fade_end_s"))
            for r in data["scenes"]]
