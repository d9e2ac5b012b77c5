"""Cutting a line of text into runs of one font and one direction, in display order.

Pure text logic for `vtm.media.fonts`, which knows which font covers which character.
Directions follow a reduced Unicode bidi algorithm (UAX #9): the paragraph takes the
direction of its first strong character; a run ends where the strong direction changes;
neutrals between runs of both directions go with the paragraph's; runs are then
reordered by rule L2 on their levels. Inside a run, raqm applies the full algorithm.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Covers = Callable[[str, str], bool]  # (font path, character) -> the font has a glyph for it
IsEmoji = Callable[[str], bool]  # (font path) -> a colour emoji font


@dataclass(frozen=True)
class Run:
    font: str  # path, or "" for Pillow's own font
    text: str
    rtl: bool


def split(text: str, fonts: tuple[str, ...], covers: Covers, is_emoji: IsEmoji) -> list[Run]:
    """`text` cut into runs of one font and one direction each, in display order. A
    character stays in the run it is in when that font `covers` it (marks always), else
    starts a run in the first of `fonts` that does (the emoji font first for emoji)."""
    emoji = any(_emoji_like(text, i) for i in range(len(text)))
    whole = None if emoji else next((p for p in fonts if all(covers(p, ch) for ch in text if not _joining(ch))), None)
    if whole is not None or not fonts:
        return [Run(whole or "", text, _paragraph_rtl(text))]
    paragraph = "R" if _paragraph_rtl(text) else "L"
    pieces: list[list[Any]] = []  # [font, text, direction or None]
    for i, ch in enumerate(text):
        current = pieces[-1] if pieces else None
        if current is not None and _joining(ch):
            current[1] += ch
            continue
        direction, wants_emoji = _direction(ch), _emoji_like(text, i)
        if current is not None and _stays(current, ch, direction, wants_emoji, covers, is_emoji):
            current[1] += ch
            current[2] = current[2] or direction
            continue
        font = _font_for(ch, wants_emoji, fonts, covers, is_emoji)
        new = [font, ch, direction]
        if current is not None and direction and current[2] and current[2] != direction and current[2] != paragraph:
            # Neutrals between runs of both directions take the paragraph's (UAX #9, N1-N2).
            keep = len(current[1])
            while keep > 0 and _direction(current[1][keep - 1]) is None and covers(font, current[1][keep - 1]):
                keep -= 1
            new[1], current[1] = current[1][keep:] + ch, current[1][:keep]
        pieces.append(new)
    return _display_order([(font, chunk) for font, chunk, _ in pieces if chunk], paragraph == "R")


def _stays(current: list[Any], ch: str, direction: str | None, wants_emoji: bool, covers: Covers, is_emoji: IsEmoji) -> bool:
    """Whether `ch` continues the current run: same font, no change of direction."""
    font, _, run_direction = current
    if wants_emoji != is_emoji(font) or (direction and run_direction and direction != run_direction):
        return False
    return covers(font, ch)


def _font_for(ch: str, wants_emoji: bool, fonts: tuple[str, ...], covers: Covers, is_emoji: IsEmoji) -> str:
    ordered = sorted(fonts, key=lambda p: not is_emoji(p)) if wants_emoji else fonts
    return next((p for p in ordered if covers(p, ch)), fonts[0])


def _emoji_like(text: str, i: int) -> bool:
    """A pictograph (U+1F000 and up) or a character asking for emoji presentation (U+FE0F)."""
    return text[i] >= "\U0001f000" or text[i + 1 : i + 2] == "\ufe0f"


def _direction(ch: str) -> str | None:
    kind = unicodedata.bidirectional(ch)
    return "R" if kind in ("R", "AL") else "L" if kind == "L" else None


def _joining(ch: str) -> bool:
    """Marks, joiners, variation selectors and skin tones belong to the character before."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or "\U0001f3fb" <= ch <= "\U0001f3ff"


def _strong(text: str) -> str | None:
    return next((d for d in map(_direction, text) if d), None)


def _paragraph_rtl(text: str) -> bool:
    return _strong(text) == "R"


def _display_order(pieces: list[tuple[str, str]], rtl: bool) -> list[Run]:
    """Runs in logical order to display order (UAX #9 rule L2 on run levels: right-to-left
    runs are level 1; in a right-to-left paragraph left-to-right runs are level 2)."""
    levels = []
    for _, chunk in pieces:
        strong = _strong(chunk)
        levels.append((2 if strong == "L" else 1) if rtl else (1 if strong == "R" else 0))
    order = list(range(len(pieces)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return [Run(pieces[i][0], pieces[i][1], levels[i] % 2 == 1) for i in order]
