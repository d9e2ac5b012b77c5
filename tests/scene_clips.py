"""Generated clips with distinct scenes (a moving test pattern is too self-similar to
test a duplicate finder), and their variants made by the real ffmpeg: another codec
and bitrate, half size, mirrored, a small crop, trims."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from vtm.media.samples import write_clip

FPS = 15


def scenes_painter(seed: int, scene_s: tuple[float, float] = (3.0, 6.0)) -> Callable[[int, int, int, int], np.ndarray]:
    """Scenes of 3-6 s, each its own composition (a gradient, shapes, a caption) drifting
    slowly, as a camera pans; the seed makes a clip unrelated to clips of other seeds."""
    rng = np.random.default_rng(seed)
    starts = [0.0]
    while starts[-1] < 3600:
        starts.append(starts[-1] + rng.uniform(*scene_s))
    scenes = [_scene(np.random.default_rng([seed, n])) for n in range(len(starts))]
    cache: dict[tuple[int, int, int], np.ndarray] = {}

    def paint(i: int, w: int, h: int, total: int) -> np.ndarray:
        t = i / FPS
        n = int(np.searchsorted(starts, t, side="right") - 1)
        key = (n, w, h)
        if key not in cache:
            cache.clear()
            cache[key] = _render(scenes[n], w * 2, h * 2)
        big = cache[key]
        dx, dy = scenes[n]["drift"]
        local = t - starts[n]
        x = int(np.clip(w / 2 + dx * local * w / 30, 0, w))
        y = int(np.clip(h / 2 + dy * local * h / 30, 0, h))
        return np.ascontiguousarray(big[y : y + h, x : x + w])

    return paint


def _scene(rng: np.random.Generator) -> dict:
    return {
        "colours": rng.integers(0, 256, (2, 3)).tolist(),
        "angle": float(rng.uniform(0, np.pi)),
        "shapes": [
            (str(rng.choice(["circle", "rect", "line"])), rng.uniform(0, 1, 4).tolist(), rng.integers(0, 256, 3).tolist())
            for _ in range(int(rng.integers(4, 9)))
        ],
        "caption": "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), 5)),
        "drift": rng.uniform(-1, 1, 2).tolist(),
    }


def _render(scene: dict, w: int, h: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = (np.cos(scene["angle"]) * x / w + np.sin(scene["angle"]) * y / h + 1) / 3
    a, b = (np.array(c, np.float32) for c in scene["colours"])
    image = (a * (1 - ramp[..., None]) + b * ramp[..., None]).astype(np.uint8)
    for shape, (p, q, r, s), colour in scene["shapes"]:
        colour = tuple(int(c) for c in colour)
        if shape == "circle":
            cv2.circle(image, (int(p * w), int(q * h)), int(10 + r * h / 4), colour, -1)
        elif shape == "rect":
            cv2.rectangle(image, (int(p * w), int(q * h)), (int(p * w + r * w / 3), int(q * h + s * h / 3)), colour, -1)
        else:
            cv2.line(image, (int(p * w), int(q * h)), (int(r * w), int(s * h)), colour, int(4 + 12 * s))
    cv2.putText(image, scene["caption"], (w // 8, h // 2), cv2.FONT_HERSHEY_SIMPLEX, w / 300, (255, 255, 255), 6)
    return image


def scenes_clip(path: Path, seed: int, *, seconds: float, width: int = 512, height: int = 288) -> Path:
    return write_clip(path, scenes_painter(seed), width=width, height=height, seconds=seconds, fps=FPS, preset="ultrafast")


# name: ffmpeg arguments between the input and the output (output extension after "|")
VARIANTS: dict[str, str] = {
    "vp9_low_bitrate": "-c:v libvpx-vp9 -b:v 150k -deadline realtime -cpu-used 8|webm",
    "half_size": "-vf scale=256:144 -c:v libx264 -preset ultrafast -crf 30|mp4",
    "mirrored": "-vf hflip -c:v libx264 -preset ultrafast|mp4",
    "cropped": "-vf crop=iw*0.9:ih*0.9,scale=512:288 -c:v libx264 -preset ultrafast|mp4",
    "first_10s_cut": "-ss 10 -c:v libx264 -preset ultrafast|mp4",
    "excerpt_20s": "-ss 12 -t 20 -c:v mpeg4 -q:v 6|mkv",
    "mirrored_half_excerpt": "-ss 5 -t 25 -vf hflip,scale=256:144 -c:v libx264 -preset ultrafast -crf 28|mp4",
}


def variant(source: Path, name: str, folder: Path) -> Path:
    arguments, ext = VARIANTS[name].split("|")
    out = folder / f"{name}.{ext}"
    head, tail = arguments.split(), []
    if head[0] == "-ss":  # seek on the input, as a cut would be made
        head, tail = head[:2], head[2:]
    else:
        head, tail = [], head
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *head, "-i", str(source), *tail, "-an", str(out)], check=True)
    return out
