"""Generated clips for the output tests: known scene cuts, the traps `at=auto` must
avoid, frames that carry their own index, variable frame rate, and a codec corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from vtm.media.samples import pattern, write_clip

BITS = 8  # frame index painted as 8 black/white blocks


def index_frame(i: int, width: int, height: int, total: int) -> np.ndarray:
    """A frame whose index can be read back from its pixels (robust to compression)."""
    image = np.full((height, width, 3), 128, np.uint8)
    block = width // BITS
    for bit in range(BITS):
        if (i >> bit) & 1:
            image[:, bit * block : (bit + 1) * block] = 255
        else:
            image[:, bit * block : (bit + 1) * block] = 0
    return image


def read_index(image: np.ndarray) -> int:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    block = w // BITS
    return sum(1 << bit for bit in range(BITS) if grey[h // 4 : 3 * h // 4, bit * block + block // 4 : (bit + 1) * block - block // 4].mean() > 128)


def title_card(width: int, height: int) -> np.ndarray:
    image = np.full((height, width, 3), (90, 30, 20), np.uint8)
    cv2.putText(image, "MY HOLIDAY", (width // 8, height // 2), cv2.FONT_HERSHEY_SIMPLEX, width / 400, (255, 255, 255), 2)
    return image


def traps_painter(fps: int):
    """0-2 s black, 2-4 s fade in (to 70%), 4-6 s blurred, 6-8 s title card, 8-10 s sharp."""

    def paint(i: int, w: int, h: int, total: int) -> np.ndarray:
        t = i / fps
        if t < 2:
            return np.zeros((h, w, 3), np.uint8)
        if t < 4:
            return (pattern(i, w, h, total) * (0.7 * (t - 2) / 2)).astype(np.uint8)
        if t < 6:
            return cv2.GaussianBlur(pattern(i, w, h, total), (0, 0), 6)
        if t < 8:
            return title_card(w, h)
        return pattern(i, w, h, total)

    return paint


def traps(path: Path) -> Path:
    fps = 10
    return write_clip(path, traps_painter(fps), width=320, height=180, seconds=10, fps=fps)


CUT_FRAMES = (30, 75, 110)  # first frame of each new scene, at 25 fps; 150 frames


def cuts_painter(i: int, w: int, h: int, total: int) -> np.ndarray:
    """Four scenes, each moving (sliding bars, a ball), each in its own colours."""
    scene = sum(i >= c for c in CUT_FRAMES)
    image = pattern(i, w, h, total)
    if scene % 2:
        image = 255 - image
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + 45 * scene) % 180
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def with_cuts(path: Path) -> Path:
    return write_clip(path, cuts_painter, width=320, height=180, seconds=6, fps=25)


def vfr(path: Path) -> tuple[Path, list[float]]:
    """Variable frame rate: 50 fps for 2 s, then 5 fps for 6 s (frame times returned)."""
    times = [i / 50 for i in range(100)] + [2 + i / 5 for i in range(30)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=50)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, t in enumerate(times):
            frame = av.VideoFrame.from_ndarray(index_frame(i, 160, 120, len(times)), format="bgr24")
            frame.pts = round(t * 1000)
            frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path, times


# (codec, container extension, pixel format, width, height)
CODECS = [
    ("libx264", "mp4", "yuv420p", 96, 64),
    ("libx265", "mp4", "yuv420p", 128, 96),
    ("libx265", "mkv", "yuv420p10le", 128, 96),
    ("libvpx", "webm", "yuv420p", 96, 64),
    ("libvpx-vp9", "webm", "yuv420p", 96, 64),
    ("libsvtav1", "mkv", "yuv420p", 160, 120),
    ("mpeg2video", "ts", "yuv420p", 96, 64),
    ("mpeg4", "avi", "yuv420p", 64, 48),
    ("mjpeg", "avi", "yuvj420p", 64, 48),
    ("prores_ks", "mov", "yuv422p10le", 96, 64),
    ("libx264", "mkv", "yuv420p", 64, 48),
    ("mpeg4", "mov", "yuv420p", 96, 64),
]


@contextmanager
def scheduling_kept() -> Iterator[None]:
    """SVT-AV1 (libsvtav1) switches the thread that opens an encoder to SCHED_FIFO 99 when
    run as root, and never back: this thread is put back as it was once the encoder is
    closed. Otherwise every server and Chromium the tests start later inherits it, and a
    Chromium spinning at that priority freezes a 2-core machine (tests/conftest.py)."""
    policy, param = os.sched_getscheduler(0), os.sched_getparam(0)
    try:
        yield
    finally:
        os.sched_setscheduler(0, policy, param)


def encode(path: Path, codec: str, pix_fmt: str, width: int, height: int, *, seconds: float = 0.8, fps: int = 10,
           rotation: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if codec == "mpeg2video":
        fps = 25  # MPEG-2 allows only the broadcast rates
    total = max(1, int(seconds * fps))
    with scheduling_kept(), av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        if codec == "libsvtav1":
            stream.options = {"preset": "12"}
        elif codec in ("libx264", "libx265"):
            stream.options = {"preset": "ultrafast"}
            if codec == "libx265":
                stream.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
        if rotation:
            stream.set_display_rotation(rotation)
        for i in range(total):
            frame = av.VideoFrame.from_ndarray(pattern(i, width, height, total), format="bgr24").reformat(format=pix_fmt)
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def long_testsrc(path: Path, *, seconds: int = 300, fps: int = 50) -> Path:
    """Small frames, many of them (5 min at 50 fps): a scenes job decodes all 15,000, which
    takes several seconds, long enough to delete its video or fill its disk meanwhile."""
    import subprocess

    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=256x144:rate={fps}",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "38", "-g", "500",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def noise(path: Path, *, seconds: float = 3.0) -> Path:
    """A clip of noise (about 1.4 MB a second): it compresses badly, so it fills a disk quickly."""
    import subprocess

    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                    "-vf", "noise=alls=60:allf=t+u", "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                    "-crf", "16", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path
