"""Names in any script in the contact-sheet header (vtm/media/fonts.py, font_runs.py): a
Japanese, an Arabic and an emoji name through a real sheet, checked against the .notdef
box glyph; Arabic shaped right to left by raqm; the fallback when no font is installed."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests import media
from vtm.media import fonts, sheet
from vtm.media.probe import probe

MISSING = "\U0010ffff"  # no font has it: drawn as the .notdef box
JAPANESE, ARABIC, EMOJI = "日本語の動画.mp4", "فيلم عائلي.mp4", "🎬🎉😀 party.mp4"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media.clip(tmp_path_factory.mktemp("fonts") / "wide.mp4", width=640, height=360, seconds=1.0)


def header_line(clip: Path, name: str) -> np.ndarray:
    """The name line of a real contact sheet's header (PNG, so every pixel is exact), RGB."""
    params = {"columns": 2, "rows": 1, "width": 640, "fast": True, "format": "png", "quality": 85}
    data = sheet.make_sheet(clip, probe(clip), params, name=name, size_bytes=1234)
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    top = sheet.GAP + 2
    return image[top : top + 32]


def glyphs(line: np.ndarray) -> list[bytes]:
    """The line's glyph shapes, left to right: blobs of text pixels between empty columns."""
    ink = line.max(axis=2) > 110
    columns = list(ink.any(axis=0)) + [False]
    shapes, start = [], None
    for x, on in enumerate(columns):
        if on and start is None:
            start = x
        elif not on and start is not None:
            part = ink[:, start:x]
            rows = np.flatnonzero(part.any(axis=1))
            shapes.append(part[rows[0] : rows[-1] + 1].tobytes() + str(part.shape).encode())
            start = None
    return shapes


@pytest.mark.parametrize("name", [JAPANESE, ARABIC, EMOJI])
def test_names_in_any_script_are_drawn_with_real_glyphs_not_boxes(clip: Path, name: str) -> None:
    boxes = [MISSING if not ch.isascii() else ch for ch in name]
    box_shapes = glyphs(header_line(clip, "".join(boxes)))
    box = max(set(box_shapes), key=box_shapes.count)  # the .notdef glyph, drawn once per missing character
    line = header_line(clip, name)
    shapes = glyphs(line)
    assert box not in shapes
    if name == JAPANESE:
        assert len(set(shapes[:6])) == 6  # six different characters, six different shapes
    if name == ARABIC:
        assert 2 <= len(shapes) - len(".mp4") < 9  # letters joined into words, not 9 separate glyphs
    if name == EMOJI:
        rgb = line.astype(int)
        saturated = (rgb.max(axis=2) - rgb.min(axis=2)) > 80  # the header's text is grey; colour emoji are not
        assert saturated.sum() > 150


@pytest.mark.skipif(not fonts.RAQM, reason="Pillow without raqm draws Arabic unshaped, left to right")
def test_arabic_is_shaped_right_to_left() -> None:
    word = "عائلة سعيدة"
    [run] = fonts.runs(word)
    assert run.rtl and run.font
    drawn = Image.new("L", (400, 60))
    fonts.draw_line(drawn, (0, 10), word, 30, 255, 400)  # type: ignore[arg-type]

    def reference(layout: ImageFont.Layout, **kwargs: str) -> Image.Image:
        font = ImageFont.truetype(run.font, 30, layout_engine=layout)
        image = Image.new("L", (400, 60))
        ImageDraw.Draw(image).text((0, 40), word, font=font, fill=255, anchor="ls", **kwargs)
        return image

    assert drawn.tobytes() == reference(ImageFont.Layout.RAQM, direction="rtl").tobytes()
    assert drawn.tobytes() != reference(ImageFont.Layout.BASIC).tobytes()  # unshaped, letters left to right


@pytest.mark.parametrize(("text", "first", "last"), [
    ("家族 🎉 عائلة.mp4", "家族", ".mp4"),  # a left-to-right line: the extension stays after the Arabic word
    ("عائلة 🎉 party.mp4", "party", "عائلة"),  # a right-to-left line: its first word is drawn rightmost
])
def test_runs_keep_each_script_in_a_font_that_has_it_in_display_order(text: str, first: str, last: str) -> None:
    shown = fonts.runs(text)
    assert sorted("".join(r.text for r in shown)) == sorted(text)  # nothing lost
    for run in shown:
        assert all(fonts.covers(run.font, ch) for ch in run.text if ch.isalpha() or ord(ch) > 0x1F000), run
    assert [r.rtl for r in shown if "عائلة" in r.text] == [True]
    assert first in shown[0].text and last in shown[-1].text, shown


def test_without_any_font_installed_the_text_is_still_drawn(tmp_path: Path) -> None:
    assert fonts.chain((str(tmp_path),)) == ()
    image = Image.new("RGB", (600, 40))
    fonts.draw_line(image, (4, 4), JAPANESE + " " + EMOJI, 20, (255, 255, 255), 590, fonts=())
    assert image.getbbox() is not None  # something was drawn (boxes for what Pillow's font lacks), no error


def test_a_long_name_is_cut_with_an_ellipsis_to_the_width() -> None:
    name = "とても長い名前の動画ファイル" * 10 + ".mp4"
    cut = fonts.fit(name, 24, 300)
    assert cut.endswith("…") and fonts.width(cut, 24) <= 300 < fonts.width(name, 24)
