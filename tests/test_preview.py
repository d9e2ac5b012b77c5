"""Animated previews: WebP and GIF that loop, with moments x seconds x fps frames at the
asked width, small, without the black intro."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vtm.kinds.preview import PreviewOptions
from vtm.media import preview
from vtm.media.probe import probe


@pytest.mark.parametrize("name", [preview.WEBP_NAME, preview.GIF_NAME])
def test_animated_looping_small(videos: dict[str, Path], name: str) -> None:
    info = probe(videos["landscape"])
    params = dict(PreviewOptions().to_json(), width=160, moments=3, seconds=0.4, fps=10)
    files = preview.make_preview(videos["landscape"], info, params)
    image = Image.open(io.BytesIO(files[name]))
    assert image.n_frames == 3 * 4 and image.info.get("loop") == 0
    assert image.size == (160, 120)
    image.seek(1)
    image.load()
    assert image.info.get("duration") == 100
    assert len(files[name]) < 400_000


def test_moments_are_spread_and_in_the_video() -> None:
    groups = preview.moment_times(100.0, 4, 1.0, 5)
    assert len(groups) == 4 and all(len(g) == 5 for g in groups)
    starts = [g[0] for g in groups]
    assert starts == sorted(starts) and starts[0] > 5 and groups[-1][-1] < 95
    assert preview.moment_times(0.5, 4, 1.0, 5)[-1][-1] < 0.5


def test_black_moments_are_left_out(videos: dict[str, Path]) -> None:
    """The black-intro clip (6 s, black for 3 s): the first moments are black, dropped."""
    info = probe(videos["black_intro"])
    params = dict(PreviewOptions().to_json(), width=96, moments=4, seconds=0.4, fps=5)
    image = Image.open(io.BytesIO(preview.make_preview(videos["black_intro"], info, params)[preview.WEBP_NAME]))
    assert image.n_frames < 4 * 2
    for i in range(image.n_frames):
        image.seek(i)
        assert np.asarray(image.convert("L")).mean() > 40
