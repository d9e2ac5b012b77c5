"""The usual thumbnail (a time, cover, no turn) is made without NumPy or OpenCV —
scaled in swscale, cropped and encoded in Pillow — and is byte for byte the picture the
array path makes, on every display rule: non-square pixels, each rotation, real footage,
and HDR and interlaced video (which take the array path's conversion, then Pillow)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import clips, corpus
from vtm import kinds
from vtm.kinds import thumbnail
from vtm.kinds.base import Make
from vtm.media import render
from vtm.media.frames import grab
from vtm.media.picture import covering
from vtm.media.probe import probe
from vtm.models import JobKind

ROOT = Path(__file__).resolve().parent.parent
BOXES = [(320, 180), (160, 160), (100, 300), (640, 360), (96, 0)]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, real_clip: Callable[[str], Path]) -> list[Path]:
    folder = tmp_path_factory.mktemp("lean")
    turned = [clips.encode(folder / f"turned{r}.mp4", "libx264", "yuv420p", 160, 96, seconds=1, rotation=r)
              for r in (-90, 90, 180)]
    sar = clips.encode(folder / "sar.mkv", "libx264", "yuv420p", 176, 144, seconds=1)
    wide = folder / "sar-16-11.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(sar), "-c", "copy", "-bsf:v",
                    "h264_metadata=sample_aspect_ratio=16/11", str(wide)], check=True)
    return [*turned, wide, real_clip("base_ntsc_wide.mpg"), real_clip("VID_20191220_170832.mp4"),
            corpus.hdr(folder, "pq"), corpus.interlaced(folder)]


def test_the_usual_thumbnail_is_the_array_paths_picture_byte_for_byte(sources: list[Path]) -> None:
    shapes, looks = set(), set()
    for source in sources:
        info = probe(source)
        shapes.add((info.rotation, info.sample_aspect_ratio))
        looks.add((info.hdr, info.field_order))
        at = min(0.6, (info.duration or 1.0) / 2)
        for width, height in BOXES:
            for fast in (False, True):
                options = kinds.parse(JobKind.THUMBNAIL, {"width": width, "height": height, "at": f"{at:.3f}", "fast": fast}, info)
                made = thumbnail.make(Make(source, options, info.duration, info=info, progress=lambda _: None))
                image = grab(source, at, exact=not fast, size=covering(options.width, options.height)).image
                expected = render.encode(render.fit(image, options.width, options.height, "cover"), "jpg", options.quality)
                assert made == {"thumbnail.jpg": expected}, (source.name, width, height, fast)
    # every turn and non-square pixels were among them
    assert {r for r, _ in shapes} >= {90, 180, 270} and {s for _, s in shapes} >= {"16:11", "32:27"}
    assert {h for h, _ in looks} > {None} and {f for _, f in looks} > {None}  # an HDR and an interlaced one too


def test_vtm_thumbnail_at_a_time_loads_neither_numpy_nor_opencv(sources: list[Path], tmp_path: Path) -> None:
    # (a box up to half the frame: a bigger one is resized from the whole frame, in OpenCV)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "vtm", "thumbnail", str(sources[0]), "-o",
                           str(tmp_path), "--size", "32x32", "--at", "0.5", "-q"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "av" in imported and "PIL" in imported
    assert not imported & {"numpy", "cv2"}
    assert (tmp_path / "turned-90.jpg").is_file()
