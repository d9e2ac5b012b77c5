"""Text in any script on a picture (the contact sheet's header), with a fallback chain.

Pillow draws a string with one font and shows a box (.notdef) for every character that
font lacks. Here each character gets the first font of `CHAIN` that has it (Noto Sans,
DejaVu Sans, Noto's Arabic, Hebrew and Indic fonts, Noto Sans CJK, symbols, Noto Color
Emoji, then any other Noto Sans font installed), judged by rendering it: a glyph that
renders exactly as the font's .notdef is missing. A line one font covers is drawn in one
call; otherwise it is cut into runs of one font (spaces, punctuation and combining marks
stay in the run they are in), ordered for display by the Unicode bidi rule for runs, each
shaped by raqm (Arabic joined and right to left) when Pillow has it. Colour emoji are
drawn from the font's 109 px bitmaps, scaled. With none of these fonts installed the
text is still drawn, in Pillow's own font (`scripts/start` and `scripts/test` install
fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont, features

from vtm.media.font_runs import Run, split

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
CHAIN = ("NotoSans-Regular.ttf", "DejaVuSans.ttf", "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf",
         "NotoSansDevanagari-Regular.ttf", "NotoSansBengali-Regular.ttf", "NotoSansThai-Regular.ttf",
         "NotoSansCJK-Regular.ttc", "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf",
         "NotoSansMath-Regular.ttf", "NotoColorEmoji.ttf")
EMOJI_SIZE = 109  # Noto Color Emoji has bitmaps of this size only
RAQM = features.check("raqm")
_MISSING = "\U0010ffff"  # a noncharacter: no font maps it, so it draws the .notdef glyph


@functools.cache
def chain(dirs: tuple[str, ...] = FONT_DIRS) -> tuple[str, ...]:
    """Fonts installed in `dirs`, in the order they are tried: CHAIN, then other Noto Sans fonts."""
    found: dict[str, str] = {}
    for folder in dirs:
        for root, _, names in os.walk(folder):
            for name in names:
                found.setdefault(name, os.path.join(root, name))
    first = [found[name] for name in CHAIN if name in found]
    rest = sorted(path for name, path in found.items() if name.startswith("NotoSans") and name.endswith("-Regular.ttf")
                  and path not in first)
    return (*first, *rest)


@functools.cache
def face(path: str, size: int) -> Any:
    if not path:
        return ImageFont.load_default(size)
    if _is_emoji(path):
        size = EMOJI_SIZE
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC)


@functools.cache
def covers(path: str, ch: str) -> bool:
    probe = _probe(path)
    return bool(_signature(probe, ch, path) != _signature(probe, _MISSING, path))


def runs(text: str, fonts: tuple[str, ...] | None = None) -> list[Run]:
    """`text` cut into runs of one font and one direction each, in display order
    (`fonts`: the fallback chain, by default the installed one)."""
    return split(text, chain() if fonts is None else fonts, covers, _is_emoji)


def width(text: str, size: int, fonts: tuple[str, ...] | None = None) -> float:
    return sum(_run_width(run, size) for run in runs(text, fonts))


def fit(text: str, size: int, max_width: float, fonts: tuple[str, ...] | None = None) -> str:
    """`text`, cut short with `…` to fit in `max_width` pixels."""
    if width(text, size, fonts) <= max_width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if width(text[:mid].rstrip() + "…", size, fonts) <= max_width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def draw_line(image: Image.Image, xy: tuple[int, int], text: str, size: int, fill: tuple[int, int, int],
              max_width: float, fonts: tuple[str, ...] | None = None) -> None:
    """Draw `text` (cut to `max_width`) with its top-left corner at `xy`, `size` px high."""
    top = xy[1]
    x: float = xy[0]
    baseline = top + size
    draw = ImageDraw.Draw(image)
    for run in runs(fit(text, size, max_width, fonts), fonts):
        if _is_emoji(run.font):
            x += _paste_emoji(image, run.font, run.text, size, (round(x), baseline))
            continue
        font = face(run.font, size)
        direction = ("rtl" if run.rtl else "ltr") if RAQM and run.font else None
        draw.text((x, baseline), run.text, font=font, fill=fill, anchor="ls", direction=direction)
        x += _run_width(run, size)


def _run_width(run: Run, size: int) -> float:
    font = face(run.font, size)
    if _is_emoji(run.font):
        return float(font.getlength(run.text)) * size / EMOJI_SIZE
    direction = ("rtl" if run.rtl else "ltr") if RAQM and run.font else None
    return float(font.getlength(run.text, direction=direction))


def _paste_emoji(image: Image.Image, path: str, text: str, size: int, origin: tuple[int, int]) -> float:
    font = face(path, EMOJI_SIZE)
    length = float(font.getlength(text))
    ascent, descent = font.getmetrics()
    big = Image.new("RGBA", (max(1, round(length)), ascent + descent))
    ImageDraw.Draw(big).text((0, ascent), text, font=font, embedded_color=True, anchor="ls")
    scale = size / EMOJI_SIZE
    small = big.resize((max(1, round(big.width * scale)), max(1, round(big.height * scale))), Image.Resampling.LANCZOS)
    x, baseline = origin
    image.paste(small, (x, baseline - round(ascent * scale)), small)
    return length * scale


@functools.cache
def _probe(path: str) -> Any:
    size = EMOJI_SIZE if _is_emoji(path) else 24
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def _signature(probe: Any, ch: str, path: str) -> Any:
    if _is_emoji(path):  # a bitmap font: a missing glyph is an empty box
        return probe.getbbox(ch)
    mask = probe.getmask(ch)
    return mask.size, bytes(mask)


def _is_emoji(path: str) -> bool:
    return Path(path).name == "NotoColorEmoji.ttf"
