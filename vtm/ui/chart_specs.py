"""The Insights page's Vega-Lite specs, written as the dicts Vega-Lite reads.

They were built with Altair: py-spy on the server at 1,000,000 jobs put two thirds of the
Library tab's script time (~100 ms of ~160 ms a load) in Altair wrapping each encoding
channel in its schema classes, to give back the same few dicts. The tests check every spec
the page draws against the Vega-Lite schema (tests/test_insights.py)."""

from __future__ import annotations

import textwrap
from typing import Any

Spec = dict[str, Any]
SUBTLE = "#6b7280"  # a caption's grey
SUBTITLE_LINE = 50
TYPES = {"N": "nominal", "Q": "quantitative", "T": "temporal"}
# A continuous x axis: its first and last labels end at the axis's ends, not centred on
# their ticks. Vega's "fit" sizing (Streamlit's) leaves a bottom axis's labels out of the
# width it fits, so a label centred near the end ran past the chart's edge and was cut
# ("25,000" drawn as "25,00", at 1,000 px wide "15,0"): the right padding makes room for
# half of the widest label the axis can show.
FLUSH = {"labelFlush": True}
LABEL_CHAR_PX = 6.5  # an axis label's digit or comma, at Vega's 10-11 px
TIME_LABEL_CHARS = 6  # "Nov 29", "12:00", "Sun 30"


def field(shorthand: str, **more: Any) -> dict[str, Any]:
    """`"videos:Q"` as a channel: `{"field": "videos", "type": "quantitative"}` and `more`."""
    name, kind = shorthand.rsplit(":", 1)
    return {"field": name, "type": TYPES[kind], **more}


def titled(spec: Spec, title: str, subtitle: str = "") -> Spec:
    """`spec` with its title and subtitle, drawn by Vega in the chart: as Streamlit text
    elements above it, each cost the page's load a few ms of the browser's work. Vega does
    not wrap a title: it cuts one wider than the chart with "…", so the subtitle goes in
    lines of at most SUBTITLE_LINE characters (a phone's chart holds ~60)."""
    heading: dict[str, Any] = {"text": title, "anchor": "start", "fontSize": 15, "offset": 10,
                             "subtitleColor": SUBTLE, "subtitleFontSize": 12, "subtitlePadding": 4}
    if subtitle:
        heading["subtitle"] = textwrap.wrap(subtitle, SUBTITLE_LINE)
    return {**spec, "title": heading}


def _spec(values: list[dict[str, Any]], mark: dict[str, Any], encoding: dict[str, Any], height: int | dict[str, int],
          last_label_chars: int = 0) -> Spec:
    spec = {"data": {"values": values}, "mark": mark, "encoding": encoding, "height": height}
    if last_label_chars:
        spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": round(last_label_chars * LABEL_CHAR_PX / 2) + 3}
    return spec


def _label_chars(values: list[dict[str, Any]], amount: str) -> int:
    """The characters of the longest label a count axis can show: the largest count, and a
    digit more for the round number the axis may end on (18,000 for 16,300)."""
    largest = max((float(v[amount]) for v in values if v.get(amount) is not None), default=0)
    return len(f"{largest:,.0f}") + 1


def bars(values: list[dict[str, Any]], category: str, amount: str, *, color: str, tooltip: list[str],
         longest_label: int, largest_first: bool = False, amount_title: str = "") -> Spec:
    """Horizontal bars, one row (26 px) per `category`: in the rows' order, or the
    largest `amount` first; the amount's axis is titled `amount_title` (else its name)."""
    return _spec(values, {"type": "bar", "color": color}, {
        "y": field(f"{category}:N", sort="-x" if largest_first else None, title=None,
                   axis={"labelLimit": longest_label, "labelOverlap": False}),
        "x": field(f"{amount}:Q", title=amount_title or amount, axis=FLUSH),
        "tooltip": [field(t) for t in tooltip],
    }, {"step": 26}, _label_chars(values, amount))


def steps(values: list[dict[str, Any]], unit: str, colors: dict[str, str]) -> Spec:
    """Jobs finished per `unit` as stacked steps, one colour per status."""
    return _spec(values, {"type": "area", "interpolate": "step-after", "opacity": 0.85}, {
        "x": field("finished:T", title=f"finished ({unit}, UTC)", axis=FLUSH),
        "y": field("jobs:Q", stack=True, title=f"jobs per {unit}"),
        "color": field("status:N", title=None, scale={"domain": list(colors), "range": list(colors.values())}),
        "tooltip": [field("finished:T"), field("status:N"), field("jobs:Q")],
    }, 260, TIME_LABEL_CHARS)


def grouped_bars(values: list[dict[str, Any]], group: str, colors: tuple[str, ...]) -> Spec:
    """Seconds per `group`, one bar per percentile, the groups down the side: a name keeps
    its room at any width (across, on a phone Vega hid two of the four sizes' names, which
    overlapped). The seconds' labels are at least 4 characters ("0.25")."""
    return _spec(values, {"type": "bar"}, {
        "y": field(f"{group}:N", sort=None, title=None, axis={"labelOverlap": False}),
        "yOffset": field("percentile:N"),
        "x": field("seconds:Q", title="seconds", axis=FLUSH),
        "color": field("percentile:N", title=None, scale={"range": list(colors)}),
        "tooltip": [field(f"{group}:N"), field("percentile:N"), field("seconds:Q"), field("jobs:Q")],
    }, {"step": 12}, max(4, _label_chars(values, "seconds")))  # a bar 12 px tall, its group 36
