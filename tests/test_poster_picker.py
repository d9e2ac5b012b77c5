"""The poster picker on a video's page and the Library's ThumbHash placeholder, through
Streamlit's AppTest on a real runtime (burst mode, real DuckDB file, a generated clip
whose frames carry their index): the chosen frame is what the poster shows."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.clips import index_frame, read_index
from tests.library_cards import library_cards
from vtm.assembly import Assembly
from vtm.media.samples import write_clip

ROOT = Path(__file__).resolve().parent.parent
FPS = 10


pytestmark = pytest.mark.usefixtures("navigation_only")


@pytest.fixture(scope="module")
def index_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(tmp_path_factory.mktemp("picker") / "index.mp4", index_frame, width=320, height=180, seconds=4.0,
                      fps=FPS)


def video_page(video_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/library.py")
    at.query_params["video"] = str(video_id)
    return at.run()


def test_filmstrip_then_fine_frames_then_the_poster_is_that_frame(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    at = video_page(video.id)
    assert not at.exception
    assert "automatic choice" in " ".join(c.value for c in at.caption)
    at.toggle(key=f"poster_open_{video.id}").set_value(True).run()
    assert not at.exception
    strip = [b for b in at.button if b.key and b.key.startswith(f"poster_around_{video.id}_strip_")]
    assert len(strip) == 8, "eight keyframes across the video"
    strip[5].click().run()  # the keyframe nearest 2.75 s (the clip's keyframes are sparse: any frame will do)
    assert not at.exception
    fine = [b for b in at.button if b.key and b.key.startswith(f"poster_around_{video.id}_fine_")]
    assert len(fine) == 8, "the exact frames around it appear under the strip"
    slider = at.slider[0]
    slider.set_value(slider.min + 0.6).run()  # scrub within the window
    chosen = round(slider.value, 3)
    at.segmented_control(key=f"poster_crop_{video.id}").set_value("1:1").run()
    assert not at.exception
    assert any("smart crop 1:1" in c for image in at.image for c in image.captions), "the crop box view"
    at.button(key=f"poster_use_{video.id}").click().run()
    assert not at.exception
    after = rt.service.get_video(video.id)
    assert after.poster_pick == f"{chosen:g}" or float(after.poster_pick or "nan") == pytest.approx(chosen)
    assert after.poster_at == pytest.approx(chosen, abs=0.5 / FPS)
    poster = cv2.imread(str(rt.data.poster_path(video.id)))
    assert read_index(poster) == round(chosen * FPS), "the poster shows the frame chosen"
    assert after.thumbhash


def test_library_shows_the_thumbhash_while_the_poster_is_missing(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    rt.service.set_poster(video.id, "1")
    mean = cv2.imread(str(rt.data.poster_path(video.id)))[:, :, ::-1].reshape(-1, 3).mean(axis=0)  # RGB
    rt.data.poster_path(video.id).unlink()  # as while a poster is being rewritten
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/library.py")
    at.run()
    assert not at.exception
    [card] = library_cards(at)
    assert "The poster is on its way." in card.texts, "the blurred placeholder stands in for the poster"
    assert card.alt == f"Poster of {video.filename} (blurred, on its way)"
    blurred = np.asarray(card.picture(), dtype=np.float64)  # what it shows: the poster, blurred
    assert max(blurred.shape[:2]) <= 32  # a tiny picture that the browser stretches to the card
    assert np.abs(blurred.reshape(-1, 3).mean(axis=0) - mean).max() < 20, (blurred.reshape(-1, 3).mean(axis=0), mean)


def test_doctor_repair_fills_missing_thumbhashes(rt: Assembly, index_clip: Path) -> None:
    video = rt.service.add_local_file(index_clip)
    rt.store.set_thumbhash(video.id, None)
    report = rt.service.check_data_folder(repair=True)
    assert f"computed the poster's ThumbHash of video {video.id}" in report["actions"]
    assert rt.store.get_video(video.id).thumbhash
