"""No user-controlled string is ever rendered as Markdown or HTML on the dashboard
(vtm/ui/format.md, used wherever a name, a query parameter or a message that quotes
input is shown): Markdown and HTML payloads through every query parameter of every page,
file names, the search box and the time field, checked in AppTest's element tree; and
in a real browser, the DOM of the pages showing the `video` parameter and a file name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message

from tests.api_server import LiveServer
from tests.library_cards import library_cards
from tests.test_e2e import CHROMIUM_ARGS
from tests.test_pages import PAGES, app
from vtm.assembly import Assembly
from vtm.ui.format import WORD_JOINER

pytestmark = pytest.mark.usefixtures("navigation_only")  # pages run inside dashboard.py (conftest)

PAYLOADS = [
    "[Session expired, log in](http://x.example/)",
    "![x](http://x.example/y.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` ~~gone~~",
    "$E=mc^2$ and $$x$$",
    ":red[alarm] :blue-background[x]",
    ":material/home: :streamlit: :smile:",
    "http://x.example/ www.x.example a@b.example",
    "&lt;b&gt; &amp; &#60;",
    "# heading\n- item\n> quote\n1. one",
    "| a | b |\n|---|---|",
    "[x][1] [^1]\n\n[1]: http://x.example/",
]
# What the payloads would turn into if any part of them were read as Markdown; none of
# VTM's own texts contains these.
DANGER = ["](", "![", "<script", "<img", "<b", "`code`", "$E=", "$$x", "**bold**", "_it_", "~~gone", "&lt;", "&amp;", "&#60;",
          "http:", "www.", "a@b", ":red[alarm", ":blue-background[x", ":material/home", ":material_home", ":streamlit:",
          ":smile:", "[^1]", "[x][1]", "| a |", "|---|", "# heading", "- item", "> quote", "1. one"]
CARD_TAGS = ["div", "img", "a", "span", "span"]  # the picture, the link, two lines of facts (+ "File missing")
MARKDOWN_FIELDS = {"body", "label", "caption", "text", "help"}
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")


def markdown_sources(at: Any) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown (bodies, labels,
    captions, help, progress texts), from the element protos of the whole tree."""
    found: list[str] = []

    def collect(message: Message) -> None:
        for field, value in message.ListFields():
            repeated = hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message))
            values = value if repeated else [value]
            for item in values:
                if isinstance(item, Message):
                    collect(item)
                elif isinstance(item, str) and field.name in MARKDOWN_FIELDS:
                    found.append(item)

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and not is_card_grid(proto):  # HTML, checked by assert_inert
            collect(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def active(source: str) -> str:
    """What Markdown may still interpret: the source without its escaped characters."""
    return ESCAPED.sub("", source).replace(WORD_JOINER, "")


def shown(source: str) -> str:
    """The text as a reader sees it."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source).replace(WORD_JOINER, "")


def is_card_grid(proto: Message) -> bool:
    """VTM's own HTML (the Library's cards, vtm/ui/card_grid.py; the Jobs page's counts and
    table, vtm/ui/job_table.py): checked by what its markup holds, not as Markdown."""
    return proto.DESCRIPTOR.name == "Html" and any(f'class="{name}"' in getattr(proto, "body", "")
                                                  for name in ("vtm-cards", "vtm-counts", "vtm-jobs"))


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def job_markup(at: Any) -> str:
    """The Jobs page's HTML holds only the table's own elements and links (a name is text), and says what it says."""
    markup = _Markup()
    for element in at.get("html"):
        if 'class="vtm-jobs"' in element.proto.body or 'class="vtm-counts"' in element.proto.body:
            markup.feed(element.proto.body)
    assert markup.tags <= {"div", "table", "thead", "tbody", "tr", "th", "td", "a", "span"}, markup.tags
    assert all(h.startswith(("?", "/library?video=")) for h in markup.hrefs), markup.hrefs
    return " ".join(markup.text)


def assert_inert(at: Any) -> str:
    assert not at.exception, at.exception
    sources = markdown_sources(at)
    for source in sources:
        live = active(source)
        bad = [d for d in DANGER if d in live]
        assert not bad, (bad, source)
    cards = library_cards(at)
    for card in cards:  # the card's own elements only, whatever the name: it is text, never markup
        assert card.tags in (CARD_TAGS, CARD_TAGS[:3] + ["span"] + CARD_TAGS[3:]), card.tags
        assert card.label == f"Open {card.name}" and card.alt == f"Poster of {card.name}"
    return "\n".join([shown(s) for s in sources] + [card.text for card in cards] + [job_markup(at)])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_query_parameters_of_every_page_are_shown_as_typed(rt: Assembly, payload: str) -> None:
    for page in (None, *PAGES):
        at = app(page, video=payload, q=payload, **{payload[:20]: payload})
        text = assert_inert(at)
        if page == "library":
            assert repr(payload) in text  # quoted in the warning, as typed


@pytest.mark.parametrize("payload", PAYLOADS)
def test_names_search_and_time_fields_are_shown_as_typed(rt: Assembly, videos: dict[str, Path], payload: str) -> None:
    name = payload.replace("\n", " ") + ".mp4"
    try:
        video = rt.service.add_local_file(videos["landscape"], name)
    except Exception as exc:  # a name with nothing usable left
        pytest.skip(f"{name!r}: {exc}")
    rt.service.request_output(video.id, "thumbnail", {"width": 64, "height": 0})
    rt.service.request_output(video.id, "storyboard", {"every": 1})
    rt.workers.drain()
    for at in (app(), app("library"), app("library", video=str(video.id))):
        assert video.filename in assert_inert(at)
    at = app("library")
    at.text_input(key="library_search").set_value(payload).run()
    assert_inert(at)
    at = app("library", video=str(video.id))
    at.text_input[0].set_value(payload[:30])  # the thumbnail form's Time, echoed in its error message
    at.button(key="FormSubmitter:request_thumbnail-Request thumbnail").click().run()
    assert at.error and repr(payload[:30]) in assert_inert(at)
    jobs = app("jobs")
    jobs.number_input(key="jobs_pick").set_value(1).run()
    assert video.filename in assert_inert(jobs)


# -- a real browser: what the DOM holds ----------------------------------------------------
NAME = "[log in](http x.example) ![x](y.png) __bold__ _it_ `code` ~~s~~ $x$ &amp; www.x.example a@b.example.mp4"
QUERY = "[Session expired, log in](http://x.example/) ![x](http://x.example/y.png) <img src=x onerror=alert(1)> " \
        "<script>alert(1)</script> **bold** $x$ :red[x] :material/home: :streamlit: :smile: www.x.example"
DOM = """() => ({
    links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '').filter(h => h.includes('x.example')),
    images: [...document.querySelectorAll('img')].map(i => i.getAttribute('src') || '')
        .filter(s => s.includes('x.example') || s.endsWith('y.png') || s === 'x'),
    logos: document.querySelectorAll('img[alt="Streamlit logo"]').length,
    handlers: document.querySelectorAll('[onerror]').length,
    scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length,
    strong: [...document.querySelectorAll('strong, b, em, del, code')].map(e => e.innerText)
        .filter(t => ['bold', 'it', 'code', 's'].includes(t.trim())),
    math: document.querySelectorAll('.katex').length,
    colours: [...document.querySelectorAll('.stMarkdownColoredText, .stMarkdownColoredBackground')]
        .map(e => e.innerText).filter(t => t.trim() === 'x'),
    icons: [...document.querySelectorAll('[role=img]')].map(e => e.getAttribute('aria-label')).filter(l => l === 'home icon'),
    emoji: document.body.innerText.includes(String.fromCodePoint(0x1F604)),
    text: document.body.innerText.replaceAll('\\u2060', ''),
})"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path / "data").start()
    try:
        yield live
    finally:
        live.stop()
    assert live.errors() == []


def inert_dom(page: Any, expected: str) -> None:
    page.get_by_text(expected[:12], exact=False).first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # let late Markdown plugins (emoji, math) load
    dom = page.evaluate(DOM)
    assert expected in dom.pop("text")
    assert dom == {"links": [], "images": [], "logos": 0, "handlers": 0, "scripts": 0, "strong": [], "math": 0,
                   "colours": [], "icons": [], "emoji": False}, dom


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_the_browser_renders_the_video_parameter_and_a_file_name_as_text(server: LiveServer, videos: dict[str, Path]) -> None:
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    with server.client() as client:
        video = client.post("/api/videos", files={"video": (NAME, videos["landscape"].read_bytes())}).json()
    assert "__bold__ _it_ `code`" in video["filename"], video
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{server.url}/library?video={quote(QUERY)}")
        inert_dom(page, repr(QUERY))
        page.goto(f"{server.url}/library")
        inert_dom(page, video["filename"])
        page.goto(f"{server.url}/library?video={video['id']}")
        inert_dom(page, video["filename"])
        browser.close()
