"""Sample clips, generated on the spot, so a demo works with no media at hand: moving
test patterns, a portrait phone-style clip (landscape frames + rotation metadata),
and one that starts with three seconds of black."""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

Painter = Callable[[int, int, int, int], np.ndarray]


@functools.lru_cache(maxsize=8)
def _bars(width: int, height: int) -> np.ndarray:
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    hsv = np.empty((height, width, 3), np.uint8)
    hsv[..., 0] = np.broadcast_to((x / width * 180).astype(np.uint8), (height, width))
    hsv[..., 1] = 200
    hsv[..., 2] = np.broadcast_to((150 + 80 * np.sin(y / height * np.pi)).astype(np.uint8), (height, width))
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def pattern(i: int, width: int, height: int, total: int) -> np.ndarray:
    """Colour bars sliding sideways, a bouncing ball and a frame counter."""
    image = np.roll(_bars(width, height), shift=i * max(1, width // 200), axis=1)
    t = i / max(1, total - 1)
    cx = int(width * (0.15 + 0.7 * t))
    cy = int(height * (0.5 + 0.3 * np.sin(t * 6 * np.pi)))
    radius = max(8, min(width, height) // 10)
    cv2.circle(image, (cx, cy), radius, (255, 255, 255), -1)
    cv2.circle(image, (cx, cy), radius, (30, 30, 30), 3)
    scale = max(0.6, width / 600)
    cv2.putText(image, f"VTM {i:04d}", (20, int(50 * scale)), cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 3)
    return image


def write_clip(path: Path, painter: Painter, *, width: int, height: int, seconds: float, fps: int = 25,
               rotation: int = 0, codec: str = "libx264", preset: str = "veryfast") -> Path:
    """Encode frames from `painter` to `path`. `rotation` is stored as display metadata
    (the frames stay as painted, as phones do). Encoding is the cost, so `preset` is
    the knob: "ultrafast" makes the demo clips in well under a second each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    total = max(1, int(seconds * fps))
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        if codec == "libx264":
            stream.options = {"preset": preset}
        if rotation:
            stream.set_display_rotation(rotation)
        for i in range(total):
            frame = av.VideoFrame.from_ndarray(painter(i, width, height, total), format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def black_intro(i: int, width: int, height: int, total: int, black_frames: int = 75) -> np.ndarray:
    if i < black_frames:
        return np.zeros((height, width, 3), np.uint8)
    return pattern(i, width, height, total)


def portrait_scene(i: int, width: int, height: int, total: int) -> np.ndarray:
    """Painted sideways (as a phone's sensor records a portrait video): with the
    rotation metadata it shows upright, with a tall figure and a label on top."""
    upright = pattern(i, height, width, total)
    cv2.rectangle(upright, (height // 3, width // 4), (2 * height // 3, 3 * width // 4), (40, 40, 200), -1)
    cv2.putText(upright, "TOP", (height // 2 - 40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 4)
    return np.ascontiguousarray(np.rot90(upright, k=1))


# Small and 15 fps: "Add sample videos" in the dashboard must take a few seconds at most
# on two cores, encoding and probing included.
_FAST: dict[str, object] = {"fps": 15, "preset": "ultrafast"}
SAMPLES: dict[str, dict[str, object]] = {
    "sample-test-pattern.mp4": {"painter": pattern, "width": 640, "height": 360, "seconds": 8, **_FAST},
    "sample-portrait-phone.mp4": {"painter": portrait_scene, "width": 640, "height": 360, "seconds": 6, "rotation": -90, **_FAST},
    "sample-black-intro.mp4": {
        "painter": functools.partial(black_intro, black_frames=45), "width": 640, "height": 360, "seconds": 8, **_FAST,
    },
}


def make_samples(folder: Path) -> list[Path]:
    return [write_clip(folder / name, **spec) for name, spec in SAMPLES.items()]  # type: ignore[arg-type]
