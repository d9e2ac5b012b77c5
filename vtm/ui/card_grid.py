"""The Library's page of cards as one HTML element: each card a link to its video's page
(named "Open <name>"), its poster, name and facts.

One element, not ~7 Streamlit elements a card (columns, a bordered container, an image,
the text, a spacer, a button): a page of 24 cards was 172 WebSocket messages and as many
React elements for the browser to build. As one element (23 messages), the Library at
2,000 videos settled in 0.92 s instead of 1.18 s (medians of 12, the old code and the new
side by side in one headless Chromium, bench/scale_cases.py's measure).

A card opens its video by a link, as a video site's cards do: the address is the video's
own (`/library?video=12`), so it opens in a new tab with a middle click, and Back returns
to the same page of the library (search, sort and page are in the URL).

Pictures travel inside the page (`data:` URIs of the 480x270 card JPEG made once per
poster file), as the player's poster does: no second request, no image URL that an API
token or a URL signing key would have to let through, and no browser cache that could
show another video's picture under a reused address. Every text is HTML-escaped; a
name is shown as typed, never as markup. The look is in vtm/ui/styles.py.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from vtm.models import Video
from vtm.service import Service
from vtm.ui import format, images, placeholders, posters

ON_ITS_WAY = "The poster is on its way."


@dataclass(frozen=True)
class CardPicture:
    src: str | None  # a data: URI, or None when there is no picture to show
    note: str = ""  # said under the picture: why it is blurred, or why there is none
    blurred: bool = False  # the ThumbHash placeholder, not the poster


@dataclass(frozen=True)
class Card:
    video: Video
    href: str
    picture: CardPicture


def card_picture(svc: Service, video: Video) -> CardPicture:
    """The poster fitted to the card; while its file is not there, its ThumbHash
    placeholder (blurred); a poster that cannot be shown says why."""
    path = svc.poster_path(video)
    if path is not None:
        jpeg = posters.card_jpeg(svc, path)
        if jpeg is not None:
            return CardPicture(images.data_uri(jpeg))
        return CardPicture(None, images.picture(svc, path, posters.WIDTH).reason)
    blurred = placeholders.placeholder_png(svc, video)
    if blurred is not None:
        return CardPicture(images.data_uri(blurred), ON_ITS_WAY, blurred=True)
    return CardPicture(None)


def card_html(card: Card) -> str:
    video, picture, e = card.video, card.picture, html.escape
    name = e(video.filename)
    if picture.src is not None:
        alt = f"Poster of {video.filename}" + (" (blurred, on its way)" if picture.blurred else "")
        shown = f'<img src="{picture.src}" alt="{e(alt)}"' + (' class="vtm-blurred"' if picture.blurred else "") + ">"
    else:
        shown = ""
    note = f'<span class="vtm-card-note">{e(picture.note)}</span>' if picture.note else ""
    missing = '<span class="vtm-card-missing">File missing</span>' if video.missing else ""
    return (f'<div class="vtm-card"><div class="vtm-card-picture">{shown}</div>{note}'
            f'<a class="vtm-card-name" href="{e(card.href)}" aria-label="Open {name}">{name}</a>{missing}'
            f'<span class="vtm-card-facts">{e(format.video_facts(video))}</span>'
            f'<span class="vtm-card-facts">added {e(format.ago(video.created_at))}</span></div>')


def grid_html(cards: Iterable[Card]) -> str:
    return '<div class="vtm-grid"><div class="vtm-cards">' + "".join(card_html(card) for card in cards) + "</div></div>"


def show(cards: Iterable[Card]) -> None:
    st.html(grid_html(cards))
