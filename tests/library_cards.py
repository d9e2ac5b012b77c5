"""The Library's cards as AppTest sees them: one `st.html` element (vtm/ui/card_grid.py),
read back with the standard library's HTML parser into what each card shows: its link
(address and accessible name), picture (alt text and decoded pixels), name and texts."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from PIL import Image
from streamlit.testing.v1 import AppTest


@dataclass
class ShownCard:
    href: str = ""
    label: str = ""  # the link's accessible name (aria-label)
    name: str = ""  # the link's text
    alt: str = ""
    src: str = ""
    texts: list[str] = field(default_factory=list)  # every text of the card, in order, unescaped
    tags: list[str] = field(default_factory=list)  # every element of the card

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def picture(self) -> Image.Image:
        header, _, data = self.src.partition(",")
        assert header in ("data:image/jpeg;base64", "data:image/png;base64"), header
        with Image.open(io.BytesIO(base64.b64decode(data))) as image:
            return image.convert("RGB")


class _Cards(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: list[ShownCard] = []
        self.depth = 0  # open <div>s inside the current card
        self.in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "div" and a.get("class") == "vtm-card":
            self.cards.append(ShownCard())
            self.depth = 1
            return
        if not self.depth:
            return
        card = self.cards[-1]
        card.tags.append(tag)
        self.depth += tag == "div"
        if tag == "a":
            card.href, card.label, self.in_link = a.get("href", ""), a.get("aria-label", ""), True
        elif tag == "img":
            card.alt, card.src = a.get("alt", ""), a.get("src", "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1
        if tag == "a":
            self.in_link = False

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            card = self.cards[-1]
            card.texts.append(data)
            if self.in_link:
                card.name += data


def library_cards(at: AppTest) -> list[ShownCard]:
    """The cards of the page AppTest ran (none when the grid is not drawn)."""
    parser = _Cards()
    for element in at.get("html"):
        body = element.proto.body
        if 'class="vtm-cards"' in body:
            parser.feed(body)
    return parser.cards
