"""The Jobs page's counts and table as AppTest sees them: `st.html` elements
(vtm/ui/job_table.py), read back with the standard library's HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

from streamlit.testing.v1 import AppTest


class _Table(HTMLParser):
    """The counts (`{"Queued": 1, …}`) and the table's rows (`[{"id": "3", …}]`, the
    texts of each cell, and the links of each cell under `"<column> href"`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.counts: dict[str, int] = {}
        self.heads: list[str] = []
        self.rows: list[dict[str, str]] = []
        self._cell: list[str] | None = None
        self._href = ""
        self._in_head = False
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("class") == "vtm-count":
            label, _, value = a.get("aria-label", "").partition(": ")
            self.counts[label] = int(value.replace(",", ""))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append({})
        elif tag in ("td", "th"):
            self._cell, self._href = [], ""
        elif tag == "a" and self._cell is not None:
            self._href = a.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "th":
                self.heads.append(text)
            else:
                column = self.heads[len(self.rows[-1]) // 2] if self.heads else str(len(self.rows[-1]))
                self.rows[-1][column] = text
                self.rows[-1][f"{column} href"] = self._href
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parsed(at: AppTest) -> _Table:
    parser = _Table()
    for element in at.get("html"):
        body = element.proto.body
        if 'class="vtm-counts"' in body or 'class="vtm-jobs"' in body:
            parser.feed(body)
    return parser


def job_counts(at: AppTest) -> dict[str, int]:
    """The four counts per status (`{"Queued": 1, "Running": 0, …}`)."""
    return _parsed(at).counts


def job_rows(at: AppTest) -> list[dict[str, str]]:
    """The rows of the jobs table: each column's text, and its link under `"<column> href"`."""
    return _parsed(at).rows
