"""Non-square pixels: every output is sized from the display size (stored size x sample
aspect ratio, then rotation) and shows the picture at that aspect — a disc painted round
at the display size must come out round in thumbnails, sheets, storyboards, previews,
scene keyframes and posters."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from tests import corpus
from vtm import tasks
from vtm.kinds.preview import PreviewOptions
from vtm.kinds.scenes import ScenesOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import preview, scenes, sheet, storyboard, tiles
from vtm.media.probe import probe
from vtm.media.thumbnail import make_thumbnail

# name: (stored w, h, SAR, codec, container, display w, h)
CLIPS = {
    "pal-16x11": (704, 576, Fraction(16, 11), "libx264", "mp4", 1024, 576),
    "ntsc-32x27": (720, 480, Fraction(32, 27), "mpeg2video", "ts", 853, 480),
    "ntsc-8x9": (720, 480, Fraction(8, 9), "libx264", "mp4", 720, 540),
}


@pytest.fixture(scope="module")
def anamorphic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sar")
    return {name: corpus.anamorphic(folder / f"{name}.{ext}", w, h, sar, codec=codec)
            for name, (w, h, sar, codec, ext, _, _) in CLIPS.items()}


def decode(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


@pytest.mark.parametrize("name", CLIPS)
def test_probe_reports_the_display_size_and_the_stored_one(anamorphic: dict[str, Path], name: str) -> None:
    w, h, sar, _, _, shown_w, shown_h = CLIPS[name]
    info = probe(anamorphic[name])
    assert (info.width, info.height) == (shown_w, shown_h)
    assert (info.storage_width, info.storage_height) == (w, h)
    assert info.sample_aspect_ratio == f"{sar.numerator}:{sar.denominator}"


@pytest.mark.parametrize("name", CLIPS)
def test_thumbnails_keep_the_display_aspect_and_a_round_disc(anamorphic: dict[str, Path], name: str) -> None:
    _, _, _, _, _, shown_w, shown_h = CLIPS[name]
    path = anamorphic[name]
    for fast in (False, True):
        image = decode(make_thumbnail(path, {"width": 320, "height": 0, "at": "0.5", "fast": fast, "format": "png"}, 1.0))
        assert image.shape[1] == 320 and image.shape[0] == round(320 * shown_h / shown_w)
        assert corpus.disc_aspect(image) == pytest.approx(1.0, abs=0.06)
    covered = decode(make_thumbnail(path, {"width": 200, "height": 200, "at": "0.5", "fit": "contain", "format": "png"}, 1.0))
    assert corpus.disc_aspect(covered) == pytest.approx(1.0, abs=0.06)


@pytest.mark.parametrize("name", ["pal-16x11", "ntsc-32x27"])
def test_every_output_kind_shows_the_display_aspect(anamorphic: dict[str, Path], name: str, tmp_path: Path) -> None:
    path = anamorphic[name]
    info = probe(path)
    size = tiles.tile_size(info.width, info.height, 160)
    assert size == (160, round(160 * info.height / info.width))

    params = {"columns": 2, "rows": 1, "width": 160, "fast": True, "format": "png", "quality": 90}
    body = decode(sheet.make_sheet(path, info, params, name="x", size_bytes=1))
    tile = body[-sheet.GAP - size[1] : -sheet.GAP, sheet.GAP : sheet.GAP + size[0]]
    assert corpus.disc_aspect(tile) == pytest.approx(1.0, abs=0.08)

    files = storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=0.5, width=160))
    cue = storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())[0]
    assert (cue.w, cue.h) == size
    sprite = decode(files[storyboard.sprite_name(0)])
    assert corpus.disc_aspect(sprite[cue.y : cue.y + cue.h, cue.x : cue.x + cue.w]) == pytest.approx(1.0, abs=0.08)

    webp = Image.open(io.BytesIO(preview.make_preview(path, info, dict(PreviewOptions().to_json(), width=160, moments=1, seconds=0.5))[preview.WEBP_NAME]))
    frame = np.asarray(webp.convert("RGB"))[..., ::-1]
    assert frame.shape[:2] == (size[1], size[0]) and corpus.disc_aspect(frame) == pytest.approx(1.0, abs=0.08)

    made = scenes.make_scenes(path, info, dict(ScenesOptions().to_json(), width=160))
    keyframe = decode(made["scene-001.jpg"])
    assert keyframe.shape[:2] == (size[1], size[0]) and corpus.disc_aspect(keyframe) == pytest.approx(1.0, abs=0.08)

    poster = tmp_path / "poster.jpg"
    tasks.inspect(str(path), str(poster))
    image = cv2.imread(str(poster))
    assert image.shape[1] == tasks.POSTER_WIDTH and image.shape[0] == round(tasks.POSTER_WIDTH * info.height / info.width)
    assert corpus.disc_aspect(image) == pytest.approx(1.0, abs=0.06)
