"""The Insights page: charts of what the library holds and how the queue worked, drawn
with Vega-Lite (specs in vtm/ui/chart_specs.py, drawn by `st.vega_lite_chart`); each tab's
Download menu has each chart's numbers as CSV or Parquet (written by DuckDB when a button
is clicked), and the Library tab's the whole library.

The open tab, the date range, the kinds and the throughput's unit are in the URL
(`?section=Jobs&from=2026-11-01&to=2026-11-30&kinds=thumbnail,sheet&unit=day`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import streamlit as st

from vtm import kinds
from vtm.models import Figures, InsightFilter, JobKind, JobStatus
from vtm.service import Service
from vtm.ui import chart_specs, format, job_table, styles, url_state

KIND_NAMES = [kind.name.value for kind in kinds.OUTPUT_KINDS]
SECTIONS = ("Library", "Jobs", "Run times")  # the tabs, in the URL as `section`
UNITS = {"Per minute": "minute", "Per hour": "hour", "Per day": "day"}
STATUS_COLORS = {s.value: job_table.STATUS_COLORS[s] for s in (JobStatus.COMPLETED, JobStatus.FAILED)}  # as on the Jobs page
PERCENTILE_COLORS = ("#93c5fd", styles.PRIMARY, "#1e3a8a")  # median, 90th, 99th
MIME = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet"}
# each chart by the name of its numbers (vtm/store/insights.py): its title
TITLES = {"codecs": "Codecs", "containers": "Containers", "resolutions": "Resolutions", "durations": "Durations",
          "sizes": "File sizes", "throughput": "Jobs over time", "failures": "Failures by reason",
          "durations_by_kind": "Run time per kind", "durations_by_size": "Run time per video size",
          "queue_waits": "Queue wait per kind"}
LIBRARY_CHARTS = ("codecs", "containers", "resolutions", "durations", "sizes")
JOB_CHARTS = ("throughput", "failures")
TIME_CHARTS = {  # and the column they group by, their subtitle
    "durations_by_kind": ("kind", "Seconds from start to finish of completed jobs."),  # side by side: one line each
    "durations_by_size": ("video_size", "The same, by the size of the video's file."),
    "queue_waits": ("kind", "Seconds from request (or retry) to start."),
}


def draw(spec: chart_specs.Spec) -> None:
    """A chart, full width (Streamlit's theme styles it)."""
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


def filters(svc: Service, *, by_unit: bool) -> tuple[InsightFilter, str, Any]:
    """The date range (UTC days, both included), the kinds and, with `by_unit`, the
    throughput's unit: by default the one that suits the range (minutes for a day,
    hours up to two weeks, days beyond), or the one chosen (`?unit=day`). With them, the
    row's last cell, for the tab's download menu."""
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
    shown, right, corner = st.columns([3.5, 2, 1.5], vertical_alignment="bottom")
    with shown.popover(f"Jobs requested {_days(start, end)} · {', '.join(named) or 'all kinds'}",
                       icon=":material/filter_list:", help="Pick the date range and the kinds"):
        picked: Any = st.date_input("Jobs requested between (UTC)", key="insights_range", on_change=_range_changed)
        chosen = st.multiselect("Kinds", KIND_NAMES, key="insights_kinds", placeholder="All kinds",
                                on_change=url_state.store("insights_kinds", "kinds", "", lambda v: ",".join(str(k) for k in v) if isinstance(v, list) else ""))
    days = picked if isinstance(picked, tuple) and len(picked) == 2 else (start, end)  # a range being picked
    where = InsightFilter(datetime.combine(days[0], time()), datetime.combine(days[1] + timedelta(days=1), time()),
                          tuple(JobKind(k) for k in chosen))
    if not by_unit:
        return where, "hour", corner
    span = (days[1] - days[0]).days + 1
    suited = "minute" if span <= 1 else "hour" if span <= 14 else "day"
    asked = url_state.get("unit")
    unit = asked if asked in UNITS.values() else suited
    url_state.bind("insights_unit", _label(unit))
    right.segmented_control("Jobs over time", list(UNITS), key="insights_unit", on_change=_unit_changed, args=(suited,))
    return where, unit, corner


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


def downloads(svc: Service, charts: Sequence[str], where: InsightFilter, unit: str, *, whole_library: bool = False) -> None:
    """One menu of the tab's downloads: the numbers of each chart named in `charts` as CSV
    and Parquet, made by DuckDB when clicked, and with `whole_library` every video's facts.
    Closed, the menu's buttons are not drawn: 12 buttons under the charts cost the Library
    tab ~0.1 s of the browser's work on each load."""
    with st.popover("Download data", icon=":material/download:", help="The numbers of each chart as CSV or Parquet", width="content"):
        if whole_library:
            st.caption("Every video with all its facts (size, codec, duration, frame rate, rotation, HDR, …):")
            _two_formats("library", "The whole library", svc.library_file)
            st.caption("The numbers of each chart:")
        for name in charts:
            _two_formats(name, TITLES[name], functools.partial(svc.figures_file, name, where, unit))


def _two_formats(name: str, title: str, made: Callable[[str], bytes]) -> None:
    """CSV and Parquet download buttons side by side, each named by `title` and its format
    (`made(fmt)`: the file's bytes, called when clicked)."""
    for column, fmt in zip(st.columns(2), ("csv", "parquet"), strict=True):
        column.download_button(
            f"{title} · {FORMAT_NAMES[fmt]}", functools.partial(made, fmt), file_name=f"vtm-{name}.{fmt}", mime=MIME[fmt],
            key=f"insights_{name}_{fmt}", icon=":material/download:", on_click="ignore", width="stretch",
        )


def library(svc: Service) -> None:
    """What the library holds (all of it: the job filters do not apply)."""
    everything = InsightFilter()
    with st.container(horizontal=True, horizontal_alignment="right"):
        downloads(svc, LIBRARY_CHARTS, everything, "hour", whole_library=True)
    cells = st.columns(3) + st.columns(2)  # the second row's two charts share its width: no empty cell
    for cell, name in zip(cells, LIBRARY_CHARTS, strict=True):
        with cell:
            figures = svc.figures(name, everything)
            field = figures.columns[0]
            chart(name, figures, "Nothing yet.", functools.partial(
                chart_specs.bars, category=field, amount="videos", color=styles.PRIMARY,
                tooltip=[f"{field}:N", "videos:Q", "bytes:Q"], longest_label=140))


def chart(name: str, figures: Figures, empty: str, spec: Callable[[list[dict[str, Any]]], chart_specs.Spec],
          subtitle: str = "") -> None:
    """`spec(records)` drawn with the chart's title (and `subtitle`) in it; without rows,
    the title and `empty`."""
    if not figures.rows:
        st.markdown(f"**{TITLES[name]}**")
        st.caption(empty)
    else:
        draw(chart_specs.titled(spec(figures.records()), TITLES[name], subtitle))


def jobs_over_time(svc: Service, where: InsightFilter, unit: str) -> None:
    chart("throughput", svc.figures("throughput", where, unit), "No job finished in this range.", lambda records: chart_specs.steps(
        [{**r, "finished": r["finished"].isoformat()} for r in records], unit, STATUS_COLORS),
        subtitle=f"Jobs finished per {unit}, by outcome.")


def run_times(svc: Service, where: InsightFilter) -> None:
    """The run times per kind and per video size side by side, the queue waits below."""
    cells = [*st.columns(2), st.container()]
    for cell, (name, (group, subtitle)) in zip(cells, TIME_CHARTS.items(), strict=True):
        with cell:
            percentiles(svc, name, where, group, subtitle)


def percentiles(svc: Service, name: str, where: InsightFilter, group: str, subtitle: str) -> None:
    figures = svc.figures(name, where)

    def spec(records: list[dict[str, Any]]) -> chart_specs.Spec:
        rows = [{group: r[group], "percentile": p, "seconds": r[f"{p}_s"], "jobs": r["jobs"]}
                for r in records for p in ("p50", "p90", "p99")]
        return chart_specs.grouped_bars(rows, group, PERCENTILE_COLORS)

    chart(name, figures, "No job here yet.", spec, subtitle)
    if figures.rows:
        st.markdown(percentile_table(figures, group))


def percentile_table(figures: Figures, group: str) -> str:
    """The percentiles as one Markdown table, times in the dashboard's one format: three
    of Streamlit's data grids (or static tables) cost the tab 0.15–0.25 s in the browser."""
    lines = [f"| {group.replace('_', ' ')} | jobs | median | 90th | 99th | longest |", "|---|--:|--:|--:|--:|--:|"]
    for r in figures.records():
        times = " | ".join(format.clock(r[f"{p}_s"]) for p in ("p50", "p90", "p99", "max"))
        lines.append(f"| {format.md(str(r[group]))} | {r['jobs']:,} | {times} |")
    return "\n".join(lines)


def failures(svc: Service, where: InsightFilter) -> None:
    chart("failures", svc.figures("failures", where), "No job failed in this range.", lambda records: chart_specs.bars(
        records, "reason", "jobs", amount_title="failed jobs", color=styles.DANGER, tooltip=["reason:N", "jobs:Q", "example:N"],
        longest_label=420, largest_first=True), subtitle="The error's first line, numbers written as N; the 20 most frequent.")
