"""`at=auto`: the chosen frame is never the black intro, the fade, the blurred part or
the title card; each trap is rejected (or outscored) for the documented reason."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests import clips
from vtm.media import choose
from vtm.media.probe import probe
from vtm.media.samples import pattern


@pytest.fixture(scope="module")
def traps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clips.traps(tmp_path_factory.mktemp("choose") / "traps.mp4")


def test_auto_skips_black_fade_blur_and_title_card(traps: Path) -> None:
    info = probe(traps)
    chosen = choose.pick(traps, info.duration)
    assert 8.0 <= chosen.time < 10.0, f"chose {chosen.time:.2f} s, which is one of the traps"
    assert choose.score(chosen.image).rejected is None


def test_black_intro_sample_is_skipped(videos: dict[str, Path]) -> None:
    chosen = choose.pick(videos["black_intro"], probe(videos["black_intro"]).duration)
    assert chosen.time >= 3.0 and chosen.image.mean() > 40


W, H = 320, 180
SHARP = pattern(10, W, H, 100)


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (np.zeros((H, W, 3), np.uint8), "dark"),
        (np.full((H, W, 3), 250, np.uint8), "bright"),
        (clips.title_card(W, H), "uniform"),
        ((SHARP * 0.08).astype(np.uint8), "dark"),  # early in a fade from black
        (np.full((H, W, 3), 128, np.uint8), "uniform"),
        (None, None),
    ],
)
def test_score_rejects_each_trap_for_its_reason(image: np.ndarray | None, reason: str | None) -> None:
    assert choose.score(SHARP if image is None else image).rejected == reason


def test_a_blurred_frame_loses_to_a_sharp_one() -> None:
    blurred = cv2.GaussianBlur(SHARP, (0, 0), 6)
    scores = [choose.score(blurred), choose.score(SHARP), choose.score(blurred)]
    assert choose.best_index(scores) == 1
    assert scores[0].sharpness < scores[1].sharpness * 0.15


def test_candidates_spread_from_5_to_95_percent() -> None:
    times = choose.candidate_times(100.0, 12)
    assert times[0] == pytest.approx(5.0) and times[-1] == pytest.approx(95.0) and len(times) == 12
    assert choose.candidate_times(None) == [0.0]
