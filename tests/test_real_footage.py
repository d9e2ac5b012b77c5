"""Real files nobody here made (tests/real_clips.py; tests/fixtures/real/README.md):
what the probe says about them, exact frames on an Android phone's variable-frame-rate
clip and a VP9-in-AVI classroom clip, and storyboard tiles that show their cue's shot on
real edited footage (hand-checked cuts and fades in tests/fixtures/real/boundaries.json)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from tests.real_clips import PHONE, TRAILER
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import frames, sheet, storyboard, tiles
from vtm.media.decoder import decoded, frame_time, open_video
from vtm.media.probe import probe

# name: (codec, container, display w, h, fps, frames, seconds, pixel format)
PROBED = {
    "bikes.mp4": ("h264", "mp4", 640, 272, 25.0, 250, 10.0, "yuv420p"),
    "cockatoo.mp4": ("h264", "mp4", 1280, 720, 20.0, 280, 14.0, "yuv444p"),
    "bigbuckbunny.mp4": ("h264", "mp4", 1280, 720, 25.0, 132, 5.28, "yuv420p"),
    "base_ntsc.mpg": ("mpeg2video", "mpeg", 720, 540, 29.97, 26, 0.868, "yuv420p"),
    "balle1-vp9.avi": ("vp9", "avi", 320, 240, 187.35, 300, 1.601, "yuv420p"),
    PHONE: ("h264", "mp4", 1920, 1080, 27.02, 41, 1.517, "yuv420p"),
}


@pytest.mark.parametrize("name", PROBED)
def test_probe_of_real_files(real_clip: Callable[[str], Path], name: str) -> None:
    codec, container, w, h, fps, count, seconds, pixels = PROBED[name]
    info = probe(real_clip(name))
    assert (info.codec, info.container, info.width, info.height, info.frame_count) == (codec, container, w, h, count)
    assert info.fps == pytest.approx(fps, abs=0.01) and info.duration == pytest.approx(seconds, abs=0.01)
    assert (info.pixel_format, info.rotation, info.hdr, info.field_order, info.duration_measured) == (pixels, 0, None, None, False)


def every_frame(path: Path) -> tuple[list[float], list[np.ndarray]]:
    times, images = [], []
    with open_video(path) as (container, stream):
        for frame in decoded(container, stream):
            times.append(frame_time(frame, stream))
            images.append(frame.to_ndarray(format="bgr24"))
    return times, images


@pytest.mark.parametrize("name", [PHONE, "balle1-vp9.avi"])
def test_time_means_time_on_uneven_frame_times(real_clip: Callable[[str], Path], name: str) -> None:
    """The phone's first frame lasts 0.185 s, the others 0.033 s; the AVI's first 0.032 s,
    the others 0.0053 s: the frame at T is the one on screen at T, bit for bit."""
    path = real_clip(name)
    times, images = every_frame(path)
    gap = times[1] - times[0]
    assert gap > 3 * (times[2] - times[1])  # the uneven start this test is about
    for seconds in (0.0, gap / 2, times[1], times[1] + 1e-4, times[len(times) // 2], times[-1], times[-1] + 1.0):
        index = max(i for i, t in enumerate(times) if t <= seconds + 1e-6)
        grab = frames.grab(path, seconds)
        assert grab.time == pytest.approx(times[index], abs=1e-4), seconds
        assert np.array_equal(grab.image, images[index]), seconds
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{times[1]:.6f}", "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], check=True, capture_output=True).stdout
    assert np.array_equal(np.frombuffer(out, np.uint8).reshape(images[1].shape), images[1])


def test_phone_clip_sheet_and_storyboard_cover_it(real_clip: Callable[[str], Path]) -> None:
    path = real_clip(PHONE)
    info = probe(path)
    grabs = tiles.grab_tiles(path, sheet.sheet_times(info.duration, 4), size=(96, 54), fast=False)
    assert len({round(g.time, 3) for g in grabs}) == 4 and all(0 <= g.time < info.duration for g in grabs)
    cues = storyboard.parse_vtt(storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=0.5, width=96))[
        storyboard.VTT_NAME].decode())
    assert [c.start for c in cues] == [0, 0.5, 1.0] and cues[-1].end == pytest.approx(info.duration, abs=0.01)


# -- storyboard tiles on real edited footage ---------------------------------------------
TILE_WIDTH = 160


def shots_shown(name: str) -> Callable[[int], set[int]]:
    """Frame -> the shots it belongs to (two inside a fade or dissolve), from the
    hand-checked boundaries."""
    data = json.loads((Path(__file__).parent / "fixtures" / "real" / "boundaries.json").read_text())[name]
    spans = [(b["frame"], b["frame"]) if b["type"] == "cut" else (b["start"], b["end"]) for b in data["boundaries"]]

    def shots(frame: int) -> set[int]:
        done = sum(1 for start, end in spans if (frame >= start if start == end else frame > end))
        inside = any(start <= frame <= end for start, end in spans if start != end)
        return {done, done + 1} if inside else {done}

    return shots


@pytest.mark.parametrize(("name", "every"), [("bikes.mp4", 1.0), ("bikes.mp4", 0.75),
                                             pytest.param(TRAILER, 1.0, marks=pytest.mark.slow)])
def test_tiles_show_their_cues_shot_on_real_footage(real_clip: Callable[[str], Path], name: str, every: float) -> None:
    """bikes.mp4 has its keyframes at its cuts, so the keyframe nearest a cue just before a
    cut is the next shot's first frame; the trailer has cuts between keyframes 7.5 s
    apart. Each tile must show (by its pixels) a frame of the shot on screen at its cue."""
    path = real_clip(name)
    info = probe(path)
    shots = shots_shown(name)
    size = tiles.tile_size(info.width, info.height, TILE_WIDTH)
    times, images = [], []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in decoded(container, stream):
            times.append(frame_time(frame, stream))
            images.append(cv2.resize(frame.to_ndarray(format="bgr24"), size, interpolation=cv2.INTER_AREA))
    stack = np.stack(images).astype(np.int16)
    files = storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=every, width=TILE_WIDTH, quality=95))
    for cue in storyboard.parse_vtt(files[storyboard.VTT_NAME].decode()):
        sprite = cv2.imdecode(np.frombuffer(files[cue.sprite], np.uint8), cv2.IMREAD_COLOR)
        tile = sprite[cue.y : cue.y + cue.h, cue.x : cue.x + cue.w].astype(np.int16)
        errors = np.abs(stack - tile[None]).mean(axis=(1, 2, 3))
        shown = [int(i) for i in np.flatnonzero(errors <= errors.min() + 1)]  # a black tile looks like every black frame
        on_screen = max(i for i, t in enumerate(times) if t <= cue.start + 1e-6)
        assert any(shots(i) & shots(on_screen) for i in shown), f"cue {cue.start}: the tile shows {shown}, the screen {on_screen}"
        assert errors.min() < 6, f"cue {cue.start}: the tile matches no frame well ({errors.min():.1f})"
