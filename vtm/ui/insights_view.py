"""The Insights page: charts of what the library holds and how the queue worked, drawn
with Vega-Lite (specs written with Altair, drawn by `st.vega_lite_chart`), each with its numbers downloadable as
CSV or Parquet (written by DuckDB when the button is clicked), and the whole library.

The open tab, the date range, the kinds and the throughput's unit are in the URL
(`?section=Jobs&from=2026-11-01&to=2026-11-30&kinds=thumbnail,sheet&unit=day`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import altair as alt
import streamlit as st

from vtm import kinds
from vtm.models import Figures, InsightFilter, JobKind
from vtm.service import Service
from vtm.ui import format, url_state

KIND_NAMES = [kind.name.value for kind in kinds.OUTPUT_KINDS]
SECTIONS = ("Library", "Jobs", "Run times")  # the tabs, in the URL as `section`
UNITS = {"Per minute": "minute", "Per hour": "hour", "Per day": "day"}
STATUS_COLORS = alt.Scale(domain=["COMPLETED", "FAILED"], range=["#16a34a", "#dc2626"])
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def _data(records: list[dict[str, Any]]) -> Any:
    """Inline Vega-Lite data (no pandas frame needed for a few hundred rows)."""
    return alt.InlineData(values=records)


def draw(chart: alt.Chart) -> None:
    """The chart's Vega-Lite spec, drawn full width. `st.altair_chart` checks every spec
    against the Vega-Lite schema on every draw: a fifth of this page's server time at
    1,000,000 jobs. The specs are the same on every draw but for their numbers, so
    they are checked by the tests (tests/test_insights.py), not at each page load."""
    spec = chart.to_dict(validate=False)
    spec.pop("config", None)  # Altair's default theme (its 300 px views): Streamlit's own applies
    st.vega_lite_chart(spec, width="stretch")


def sections() -> Sequence[Any]:
    """The three tabs. Only the open one is computed and drawn (its `.open`): a first view
    draws 5 charts, not 10. The open one is in the URL (`?section=Jobs`) through
    `url_state`, as the filters are: a tab bound by Streamlit itself (`bind=`) cannot be left
    in the URL while `url_state` writes the other parameters."""
    section = url_state.get("section")
    url_state.bind("insights_section", section if section in SECTIONS else SECTIONS[0])
    return st.tabs(SECTIONS, key="insights_section", on_change=url_state.store("insights_section", "section", SECTIONS[0]))


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(url_state.get(name))
    except ValueError:
        return None


def filters(svc: Service, *, by_unit: bool) -> tuple[InsightFilter, str]:
    """The date range (UTC days, both included), the kinds and, with `by_unit`, the
    throughput's unit: by default the one that suits the range (minutes for a day,
    hours up to two weeks, days beyond), or the one chosen (`?unit=day`)."""
    first, last = svc.jobs_time_span()
    today = datetime.now().date()
    low = first.date() if isinstance(first, datetime) else today
    high = last.date() if isinstance(last, datetime) else today
    start, end = _day("from") or low, _day("to") or high
    named = [k for k in url_state.get("kinds").split(",") if k in KIND_NAMES]
    url_state.bind("insights_range", (start, end))
    url_state.bind("insights_kinds", named)
    # In a popover named by what it picks: the date picker and the kinds' list cost a job
    # tab ~0.2 s of the browser's work on each load when drawn open on the page.
    shown, right = st.columns([5, 2], vertical_alignment="bottom")
    with shown.popover(f"Jobs requested {_days(start, end)} · {', '.join(named) or 'all kinds'}",
                       icon=":material/filter_list:", help="Pick the date range and the kinds"):
        picked: Any = st.date_input("Jobs requested between (UTC)", key="insights_range", on_change=_range_changed)
        chosen = st.multiselect("Kinds", KIND_NAMES, key="insights_kinds", placeholder="All kinds",
                                on_change=url_state.store("insights_kinds", "kinds", "", lambda v: ",".join(str(k) for k in v) if isinstance(v, list) else ""))
    days = picked if isinstance(picked, tuple) and len(picked) == 2 else (start, end)  # a range being picked
    where = InsightFilter(datetime.combine(days[0], time()), datetime.combine(days[1] + timedelta(days=1), time()),
                          tuple(JobKind(k) for k in chosen))
    if not by_unit:
        return where, "hour"
    span = (days[1] - days[0]).days + 1
    suited = "minute" if span <= 1 else "hour" if span <= 14 else "day"
    asked = url_state.get("unit")
    unit = asked if asked in UNITS.values() else suited
    url_state.bind("insights_unit", _label(unit))
    right.segmented_control("Jobs over time", list(UNITS), key="insights_unit", on_change=_unit_changed, args=(suited,))
    return where, unit


def _days(start: date, end: date) -> str:
    return f"on {start:%-d %b %Y}" if start == end else f"{start:%-d %b %Y} – {end:%-d %b %Y}"


def _label(unit: str) -> str:
    return next(label for label, value in UNITS.items() if value == unit)


def _unit_changed(suited: str) -> None:
    """The unit chosen goes in the URL; the one that suits the range is left out, and
    clicking the chosen one again (which empties the control) keeps it."""
    label = st.session_state.get("insights_unit")
    if label in UNITS:
        url_state.put("unit", UNITS[label], suited)


def _range_changed() -> None:
    picked = st.session_state.get("insights_range")
    if isinstance(picked, tuple) and len(picked) == 2:
        url_state.change({"from": (picked[0].isoformat(), ""), "to": (picked[1].isoformat(), "")})


def downloads(svc: Service, name: str, where: InsightFilter, unit: str, *, label: str = "numbers") -> None:
    """CSV and Parquet of one chart's numbers, made by DuckDB when clicked."""
    left, right = st.columns(2)
    for column, fmt in ((left, "csv"), (right, "parquet")):
        column.download_button(
            f"{fmt.upper()}", functools.partial(svc.figures_file, name, where, unit, fmt),
            file_name=f"vtm-{name}.{fmt}", mime=MIME[fmt], key=f"insights_{name}_{fmt}", icon=":material/download:",
            help=f"The {label} of this chart as {fmt.upper()}", on_click="ignore", width="stretch", type="tertiary",
        )


def library(svc: Service) -> None:
    """What the library holds (all of it: the job filters do not apply)."""
    everything = InsightFilter()
    cells = st.columns(3) + st.columns(3)
    for cell, (name, title) in zip(cells, (("codecs", "Codecs"), ("containers", "Containers"), ("resolutions", "Resolutions"),
                                           ("durations", "Durations"), ("sizes", "File sizes")), strict=False):
        with cell.container(border=True):
            figures = svc.figures(name, everything)
            field = figures.columns[0]
            bar(figures, title, field, "videos", tooltip=[f"{field}:N", "videos:Q", "bytes:Q"])
            downloads(svc, name, everything, "hour")
    with cells[5].container(border=True):
        st.markdown("**The whole library**")
        st.caption("Every video with all its facts (size, codec, duration, frame rate, rotation, HDR, …).")
        left, right = st.columns(2)
        for column, fmt in ((left, "csv"), (right, "parquet")):
            column.download_button(f"{fmt.upper()}", functools.partial(svc.library_file, fmt), file_name=f"vtm-library.{fmt}",
                                   mime=MIME[fmt], key=f"insights_library_{fmt}", icon=":material/download:",
                                   on_click="ignore", width="stretch")


def bar(figures: Figures, title: str, x: str, y: str, *, tooltip: list[str]) -> None:
    st.markdown(f"**{title}**")
    if not figures.rows:
        st.caption("Nothing yet.")
        return
    chart = alt.Chart(_data(figures.records())).mark_bar(color="#2563eb").encode(
        y=alt.Y(f"{x}:N", sort=None, title=None, axis=alt.Axis(labelLimit=140, labelOverlap=False)),
        x=alt.X(f"{y}:Q", title=y),
        tooltip=tooltip,
    )
    draw(chart.properties(height=alt.Step(26)))


def jobs_over_time(svc: Service, where: InsightFilter, unit: str) -> None:
    st.subheader("Jobs over time", anchor=False)
    figures = svc.figures("throughput", where, unit)
    st.caption(f"Jobs finished per {unit}, by outcome.")
    if not figures.rows:
        st.caption("No job finished in this range.")
    else:
        data = [{**r, "finished": r["finished"].isoformat()} for r in figures.records()]
        chart = alt.Chart(_data(data)).mark_area(interpolate="step-after", opacity=0.85).encode(
            x=alt.X("finished:T", title=f"finished ({unit}, UTC)"),
            y=alt.Y("jobs:Q", stack=True, title=f"jobs per {unit}"),
            color=alt.Color("status:N", scale=STATUS_COLORS, title=None),
            tooltip=["finished:T", "status:N", "jobs:Q"],
        )
        draw(chart.properties(height=260))
    downloads(svc, "throughput", where, unit)


def percentiles(svc: Service, name: str, where: InsightFilter, title: str, group: str, caption: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.caption(caption)
        figures = svc.figures(name, where)
        if not figures.rows:
            st.caption("No job here yet.")
        else:
            rows: list[dict[str, Any]] = []
            for record in figures.records():
                rows += [{group: record[group], "percentile": p, "seconds": record[f"{p}_s"], "jobs": record["jobs"]}
                         for p in ("p50", "p90", "p99")]
            chart = alt.Chart(_data(rows)).mark_bar().encode(
                x=alt.X(f"{group}:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
                xOffset=alt.XOffset("percentile:N"),
                y=alt.Y("seconds:Q", title="seconds"),
                color=alt.Color("percentile:N", scale=alt.Scale(range=["#93c5fd", "#2563eb", "#1e3a8a"]), title=None),
                tooltip=[f"{group}:N", "percentile:N", "seconds:Q", "jobs:Q"],
            )
            draw(chart.properties(height=240))
            st.markdown(percentile_table(figures, group))
        downloads(svc, name, where, "hour")


def percentile_table(figures: Figures, group: str) -> str:
    """The percentiles as one Markdown table, times in the dashboard's one format: three
    of Streamlit's data grids (or static tables) cost the tab 0.15–0.25 s in the browser."""
    lines = [f"| {group.replace('_', ' ')} | jobs | median | 90th | 99th | longest |", "|---|--:|--:|--:|--:|--:|"]
    for r in figures.records():
        times = " | ".join(format.clock(r[f"{p}_s"]) for p in ("p50", "p90", "p99", "max"))
        lines.append(f"| {format.md(str(r[group]))} | {r['jobs']:,} | {times} |")
    return "\n".join(lines)


def failures(svc: Service, where: InsightFilter) -> None:
    st.subheader("Failures by reason", anchor=False)
    figures = svc.figures("failures", where)
    if not figures.rows:
        st.caption("No job failed in this range.")
    else:
        st.caption("The error's first line, numbers written as N; the 20 most frequent.")
        chart = alt.Chart(_data(figures.records())).mark_bar(color="#dc2626").encode(
            y=alt.Y("reason:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420, labelOverlap=False)),
            x=alt.X("jobs:Q", title="failed jobs"),
            tooltip=["reason:N", "jobs:Q", "example:N"],
        )
        draw(chart.properties(height=alt.Step(26)))
    downloads(svc, "failures", where, "hour")
