"""Non-square pixels in real files nobody here made (tests/real_clips.py): a classic
QCIF test sequence (SAR 128:117), a PAL camera clip (16:15) and a DVD authoring tool's
four MPEG-2 menus (PAL and NTSC, 4:3 and 16:9). Every output kind comes out at the
display aspect, and a thumbnail shows the same picture as FFmpeg's frame scaled to that
size, not the stored, squeezed one."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from vtm import tasks
from vtm.kinds.preview import PreviewOptions
from vtm.kinds.scenes import ScenesOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import preview, scenes, sheet, storyboard, tiles
from vtm.media.probe import probe
from vtm.media.thumbnail import make_thumbnail

# name: (stored w, h, SAR, display w, h)
CLIPS = {
    "carphone_pristine.mp4": (176, 144, "128:117", 193, 144),
    "balle-jbart.mp4": (720, 576, "16:15", 768, 576),
    "base_pal.mpg": (720, 576, "16:15", 768, 576),
    "base_pal_wide.mpg": (720, 576, "64:45", 1024, 576),
    "base_ntsc.mpg": (720, 480, "8:9", 720, 540),
    "base_ntsc_wide.mpg": (720, 480, "32:27", 853, 480),
}


def decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def aspect_of(shape: tuple[int, ...]) -> float:
    return shape[1] / shape[0]


@pytest.mark.parametrize("name", CLIPS)
def test_probe_gives_the_display_size(real_clip: Callable[[str], Path], name: str) -> None:
    w, h, sar, shown_w, shown_h = CLIPS[name]
    info = probe(real_clip(name))
    assert (info.storage_width, info.storage_height, info.sample_aspect_ratio) == (w, h, sar)
    assert (info.width, info.height) == (shown_w, shown_h)


@pytest.mark.parametrize("name", CLIPS)
def test_every_output_kind_has_the_display_aspect(real_clip: Callable[[str], Path], name: str, tmp_path: Path) -> None:
    path = real_clip(name)
    info = probe(path)
    shown = info.width / info.height
    stored = info.storage_width / info.storage_height

    def right(shape: tuple[int, ...]) -> None:  # within a pixel of rounding; far from the stored aspect
        assert abs(aspect_of(shape) - shown) < 2 / shape[0] + 0.01 and abs(aspect_of(shape) - stored) > 0.05, (shape, shown)

    for fast in (False, True):
        right(decode(make_thumbnail(path, {"width": 320, "height": 0, "at": "0.3", "fast": fast, "format": "png"},
                                    info.duration)).shape)
    size = tiles.tile_size(info.width, info.height, 160)
    right((size[1], size[0]))
    body = decode(sheet.make_sheet(path, info, {"columns": 2, "rows": 1, "width": 160, "fast": True, "format": "png",
                                                "quality": 90}, name="x", size_bytes=1))
    assert body.shape[1] == 2 * size[0] + 3 * sheet.GAP
    files = storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=0.25, width=160))
    assert {(c.w, c.h) for c in storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())} == {size}
    webp = Image.open(io.BytesIO(preview.make_preview(path, info, dict(PreviewOptions().to_json(), width=160, moments=1,
                                                                        seconds=0.5))[preview.WEBP_NAME]))
    assert webp.size == size
    assert decode(scenes.make_scenes(path, info, dict(ScenesOptions().to_json(), width=160))["scene-001.jpg"]).shape[:2] == (size[1], size[0])
    poster = tmp_path / "poster.jpg"
    tasks.inspect(str(path), str(poster))
    right(cv2.imread(str(poster)).shape)


def ffmpeg_frame(path: Path, seconds: float, vf: str, size: tuple[int, int]) -> np.ndarray:
    """FFmpeg's frame at `seconds`, through the filter `vf`, `size` = (w, h), BGR."""
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1",
                          "-vf", vf, "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(out, np.uint8).reshape(size[1], size[0], 3)


@pytest.mark.parametrize(("name", "at"), [("carphone_pristine.mp4", 2.0), ("balle-jbart.mp4", 4.0)])
def test_a_square_thumbnail_shows_the_picture_at_its_display_aspect(real_clip: Callable[[str], Path], name: str,
                                                                    at: float) -> None:
    """Cropped to a square ("cover"), what is cut off depends on the aspect: the thumbnail
    matches FFmpeg's frame scaled to the display aspect and cropped, not the stored one."""
    path = real_clip(name)
    info = probe(path)
    side = 144
    image = decode(make_thumbnail(path, {"width": side, "height": side, "at": str(at), "fit": "cover", "format": "png"},
                                  info.duration)).astype(int)

    def reference(width: int) -> np.ndarray:
        return ffmpeg_frame(path, at, f"scale={width}:{side}:flags=area,crop={side}:{side}", (side, side)).astype(int)

    shown = np.abs(image - reference(round(side * info.width / info.height))).mean()
    squeezed = np.abs(image - reference(round(side * info.storage_width / info.storage_height))).mean()
    assert shown < 6 and squeezed > 2 * shown, (shown, squeezed)
