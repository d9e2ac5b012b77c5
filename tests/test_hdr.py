"""HDR sources (PQ/HDR10 and HLG, real footage mastered with its colour metadata) are
tone-mapped to SDR BT.709 for every output, matching FFmpeg's reference chain (zscale +
tonemap=mobius) within a few levels; 10-bit SDR is converted as before, untouched."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests import corpus
from vtm.kinds.preview import PreviewOptions
from vtm.kinds.scenes import ScenesOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media import frames, preview, scenes, storyboard, tiles
from vtm.media.decoder import open_video
from vtm.media.probe import probe

AT = 0.5


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hdr")
    return {"pq": corpus.hdr(folder, "pq"), "hlg": corpus.hdr(folder, "hlg"), "sdr10": corpus.sdr_10bit(folder)}


def untoned(path: Path, seconds: float) -> np.ndarray:
    """The frame converted straight to 8-bit RGB, as VTM did before: flat and grey."""
    with open_video(path) as (container, stream):
        for frame in container.decode(stream):
            if frame.time >= seconds - 1e-3:
                return frame.to_ndarray(format="bgr24")
    raise AssertionError("no frame")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b) ** 2).mean())
    return 99.0 if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.mark.parametrize("transfer", ["pq", "hlg"])
def test_frames_match_ffmpegs_tone_mapping(clips: dict[str, Path], transfer: str, tmp_path: Path) -> None:
    path = clips[transfer]
    assert probe(path).hdr == transfer
    reference = corpus.tonemap_reference(path, AT, tmp_path / "ref.png")
    ours = frames.grab(path, AT).image
    error = np.abs(ours.astype(int) - reference).mean()
    assert error < 3.0 and psnr(ours, reference) > 30, (error, psnr(ours, reference))
    assert np.abs(untoned(path, AT).astype(int) - reference).mean() > 15  # what the test catches


@pytest.mark.parametrize("transfer", ["pq", "hlg"])
def test_every_output_kind_is_tone_mapped(clips: dict[str, Path], transfer: str, tmp_path: Path) -> None:
    path = clips[transfer]
    info = probe(path)

    def close(image: np.ndarray, seconds: float) -> None:
        reference = corpus.tonemap_reference(path, seconds, tmp_path / f"ref-{seconds}.png")
        reference = cv2.resize(reference, (160, 90), interpolation=cv2.INTER_AREA)
        assert image.shape[:2] == (90, 160)
        assert np.abs(image.astype(int) - reference).mean() < 4  # JPEG allowed

    for fast in (True, False):  # sheets and storyboards; previews and scene keyframes
        grab = tiles.grab_tiles(path, [AT], size=(160, 90), fast=fast)[0]
        close(grab.image, grab.time)
    files = storyboard.make_storyboard(path, info, dict(StoryboardOptions().to_json(), every=AT, width=160, quality=95, fast=False))
    cue = storyboard.parse_vtt(files[storyboard.VTT_NAME].decode())[1]
    sprite = cv2.imdecode(np.frombuffer(files[cue.sprite], np.uint8), cv2.IMREAD_COLOR)
    close(sprite[cue.y : cue.y + cue.h, cue.x : cue.x + cue.w], cue.start)
    keyframe = scenes.make_scenes(path, info, dict(ScenesOptions().to_json(), width=160))["scene-001.jpg"]
    assert cv2.imdecode(np.frombuffer(keyframe, np.uint8), cv2.IMREAD_COLOR).mean() > 60  # not the flat grey
    webp = preview.make_preview(path, info, dict(PreviewOptions().to_json(), width=160, moments=1, seconds=0.5))
    assert webp[preview.WEBP_NAME]


def test_10_bit_sdr_is_not_tone_mapped(clips: dict[str, Path]) -> None:
    path = clips["sdr10"]
    assert probe(path).hdr is None
    assert np.array_equal(frames.grab(path, AT).image, untoned(path, AT))
