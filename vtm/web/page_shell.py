"""The dashboard's HTML page (Streamlit's `index.html`), told where the server is.

Opened at a page's own address (`/library`, `/jobs?job=12`), Streamlit's browser code
cannot tell a page from a path prefix: it first looks for the server under the page
(`/library/_stcore/health`, a 404), waits, and only then tries `/`. That cost about
0.15 s on every page but the Overview, each reload included. Streamlit reads the
server's address from `window.__streamlit.BACKEND_BASE_URL` when a page sets it; this
middleware sets it in every HTML page Streamlit serves, to the folder the page's own
scripts come from (`./`, which is also right behind a path prefix), so the first
look is the right one.

It also carries the dashboard's style sheet (vtm/ui/styles.py), at the end of the body,
where an `st.html` of it stood on every page run before: that element made the browser
fetch and run Streamlit's HTML element and DOMPurify for each page load (an interleaved
A/B of the Library at 100,000 videos found no difference beyond the noise: 1,561 against
1,559 ms; the move is for the work, not a measured gain). In the body, after Streamlit's
own styles in the head, its rules win ties as they did inside the page.

A page that draws charts (`PageShell(preloads={"insights": chart_scripts()})`, the names
from vtm/ui/chart_scripts.py) also names the scripts of Streamlit's chart element in its
<head> (`<link rel="modulepreload">`): the browser fetches and compiles them while the
page connects, not after the first chart arrives. An interleaved A/B of the Insights page
at 1,000,000 jobs, three runs: 40–160 ms less to settled, 60–140 ms less of the browser's
work. The names carry a build hash;
`chart_scripts` finds them in the installed Streamlit, and names none it cannot find
(tests/test_e2e.py checks that it finds all of them).

The body changes, so its validators go (`ETag`, `Last-Modified`: the page is `no-cache`
and a few kilobytes) and it is sent uncompressed (the request's `Accept-Encoding` is
dropped for page addresses only, which are never files).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SNIPPET = (b'<script>window.__streamlit = Object.assign({BACKEND_BASE_URL: new URL("./", location.href).href}, '
           b"window.__streamlit);</script>")
HEAD, BODY_END = b"<head>", b"</body>"
NOT_PAGES = ("/api/", "/_stcore/", "/static/", "/media/", "/component/", "/app/")
DROPPED = {b"content-length", b"etag", b"last-modified", b"content-encoding"}


def is_page_address(path: str) -> bool:
    """A path that can only be a dashboard page: not under a route or asset prefix, no file extension."""
    return path != "/api" and not path.startswith(NOT_PAGES) and "." not in path.rsplit("/", 1)[-1]


def shaped(html: bytes, style: bytes, head: bytes = b"") -> bytes:
    """`html` with the base URL first in its <head> (before Streamlit's scripts), then
    `head`, and `style` last in its <body>."""
    at = html.find(HEAD)
    if at >= 0:
        html = html[: at + len(HEAD)] + SNIPPET + head + html[at + len(HEAD) :]
    end = html.rfind(BODY_END)
    return html if end < 0 else html[:end] + style + html[end:]


class PageShell:
    """Middleware: every HTML page Streamlit answers carries the server's base URL and
    the dashboard's style sheet (`css`); the pages named in `preloads` (by their last
    path segment, so also behind a path prefix) name those of Streamlit's scripts."""

    def __init__(self, app: ASGIApp, css: str = "", preloads: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.app = app
        self.style = f"<style>{css}</style>".encode() if css else b""
        self.heads = {page: b"".join(b'<link rel="modulepreload" crossorigin href="./static/js/%s">' % name.encode() for name in names)
                      for page, names in (preloads or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not is_page_address(scope["path"]):
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]}
        head = self.heads.get(scope["path"].rstrip("/").rsplit("/", 1)[-1], b"")
        start: Message | None = None
        body: list[bytes] = []

        async def send_with_base_url(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                if message["status"] == 200 and kind.startswith(b"text/html"):
                    start = message  # held until the whole body is here
                    return
            elif start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = b"".join(body)
                length = int(dict(start["headers"]).get(b"content-length", b"0") or 0)
                if scope["method"] == "HEAD":
                    length += len(SNIPPET) + len(head) + len(self.style)
                else:
                    html = shaped(html, self.style, head)
                    length = len(html)
                kept = [(k, v) for k, v in start["headers"] if k not in DROPPED]
                await send({**start, "headers": [*kept, (b"content-length", str(length).encode())]})
                await send({"type": "http.response.body", "body": html})
                return
            await send(message)

        await self.app(scope, receive, send_with_base_url)
