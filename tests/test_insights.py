"""The Insights page's numbers on a small known dataset (tests/bulk_rows.py: 6 videos,
12 jobs), checked against values computed by hand; each figure's CSV and Parquet file,
and the whole library's; the page itself through AppTest."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import altair as alt
import duckdb
import pyarrow.ipc
import pytest
from streamlit.testing.v1 import AppTest

from tests import bulk_rows
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.errors import InvalidInput
from vtm.models import InsightFilter, JobKind

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
EVERYTHING = InsightFilter()


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Iterator[Assembly]:
    data = tmp_path_factory.mktemp("insights") / "data"
    bulk_rows.fill(data, 6, 12, videos["landscape"])
    with assembly.build(Settings(data_dir=data, isolation="thread"), start_workers=False).install() as rt:
        yield rt


def test_library_composition(known: Assembly) -> None:
    svc = known.service
    assert svc.figures("codecs", EVERYTHING).rows == [("h264", 3, 9 * MB), ("hevc", 3, 12 * MB)]  # videos 1,3,5 / 2,4,6
    assert svc.figures("containers", EVERYTHING).rows == [("mp4", 6, 21 * MB)]
    assert svc.figures("resolutions", EVERYTHING).rows == [("360p", 6, 21 * MB)]
    assert svc.figures("durations", EVERYTHING).rows == [("under 10 s", 6, 21 * MB)]
    assert svc.figures("sizes", EVERYTHING).rows == [("under 10 MB", 6, 21 * MB)]


def test_job_figures_by_hand(known: Assembly) -> None:
    svc = known.service
    # Jobs 5 and 10 failed; the others ran m % 4 + 1 s: 1,1,1,2,2,3,3,4,4,4 -> p50 2.5 (between the 5th and 6th), p90 4.
    assert svc.figures("durations_by_kind", EVERYTHING).rows == [("thumbnail", 10, 2.5, 4.0, 4.0, 4.0)]
    assert svc.figures("durations_by_size", EVERYTHING).rows == [("under 10 MB", 10, 2.5, 4.0, 4.0, 4.0)]
    assert svc.figures("queue_waits", EVERYTHING).rows == [("thumbnail", 12, 2.0, 2.0, 2.0, 2.0)]  # all started 2 s after
    assert svc.figures("failures", EVERYTHING).rows == [("Timed out after N s", 2, "Timed out after 10 s")]
    hour = datetime(2026, 1, 1)
    assert svc.figures("throughput", EVERYTHING, "hour").rows == [(hour, "COMPLETED", 10), (hour, "FAILED", 2)]
    minutes = svc.figures("throughput", EVERYTHING, "minute").rows
    assert [(t.minute, s) for t, s, n in minutes] == [(m, "FAILED" if m % 5 == 0 else "COMPLETED") for m in range(1, 13)]
    # the range picks jobs requested in it (m >= 6: 7 jobs, job 10 failed); the kinds filter
    later = InsightFilter(start=datetime(2026, 1, 1, 0, 6))
    assert svc.figures("throughput", later, "hour").rows == [(hour, "COMPLETED", 6), (hour, "FAILED", 1)]
    assert svc.figures("queue_waits", InsightFilter(end=datetime(2026, 1, 1, 0, 3))).rows[0][1] == 2
    assert svc.figures("durations_by_kind", InsightFilter(kinds=(JobKind.SHEET,))).rows == []
    with pytest.raises(InvalidInput):
        svc.figures("throughput", EVERYTHING, "week")
    with pytest.raises(InvalidInput):
        svc.figures("nonsense", EVERYTHING)


def test_downloads_hold_the_chart_numbers_and_the_whole_library(known: Assembly, tmp_path: Path) -> None:
    svc = known.service
    text = svc.figures_file("codecs", EVERYTHING, "hour", "csv").decode()
    assert list(csv.reader(io.StringIO(text))) == [["codec", "videos", "bytes"], ["h264", "3", str(9 * MB)],
                                                   ["hevc", "3", str(12 * MB)]]
    parquet = tmp_path / "durations.parquet"
    parquet.write_bytes(svc.figures_file("durations_by_kind", EVERYTHING, "hour", "parquet"))
    assert parquet.read_bytes()[:4] == b"PAR1"
    with duckdb.connect() as conn:
        assert conn.execute(f"SELECT * FROM '{parquet}'").fetchall() == [("thumbnail", 10, 2.5, 4.0, 4.0, 4.0)]
        library = tmp_path / "library.parquet"
        library.write_bytes(svc.library_file("parquet"))
        rows = conn.execute(f"SELECT id, filename, size, codec FROM '{library}' ORDER BY id").fetchall()
    assert rows == [(n, bulk_rows.name(n), n * MB, "h264" if n % 2 else "hevc") for n in range(1, 7)]
    table = list(csv.DictReader(io.StringIO(svc.library_file("csv").decode())))
    assert [r["filename"] for r in table] == [bulk_rows.name(n) for n in range(1, 7)] and "duration" in table[0]
    assert not any(known.data.tmp.iterdir())  # the temporary files are gone
    # a name a spreadsheet would run as a formula is written as text in the CSV (as typed in Parquet)
    hostile = "=HYPERLINK(\"http://evil\",\"x\").mp4"
    known.store.add_video(id=known.store.next_video_id(), filename=hostile, path="x", size=1, sha256="x", width=2, height=2)
    try:
        cells = [r["filename"] for r in csv.DictReader(io.StringIO(svc.library_file("csv").decode()))]
        assert cells[-1] == "'" + hostile and cells[:6] == [bulk_rows.name(n) for n in range(1, 7)]
        library.write_bytes(svc.library_file("parquet"))
        with duckdb.connect() as conn:
            assert conn.execute(f"SELECT filename FROM '{library}' ORDER BY id DESC LIMIT 1").fetchone() == (hostile,)
    finally:
        svc.delete_video(known.store.find_video_by_name(hostile).id)
    with pytest.raises(InvalidInput):
        svc.library_file("xlsx")


def test_each_tab_draws_its_charts_and_reads_its_filters_from_the_url(known: Assembly) -> None:
    drawn: dict[str, int] = {}
    for section, charts_in_tab in (("", 5), ("Jobs", 2), ("Run times", 3)):
        at = AppTest.from_file(str(ROOT / "pages" / "insights.py"), default_timeout=60)
        at.query_params.update({"section": section} if section else {})
        at.query_params.update({"from": "2026-01-01", "kinds": "thumbnail,nonsense"})
        at.run()
        assert not at.exception
        charts = at.get("vega_lite_chart")
        drawn[section or "Library"] = [json.loads(chart.proto.spec)["title"]["text"] for chart in charts]
        # The page writes its specs as dicts (vtm/ui/chart_specs.py): every spec it drew is
        # checked here, with its numbers, against the Vega-Lite schema Altair carries.
        for chart in charts:
            spec = json.loads(chart.proto.spec)
            assert "data" not in spec and not chart.proto.datasets  # the numbers travel beside it, as Arrow
            values = pyarrow.ipc.open_stream(chart.proto.data.data).read_all().to_pylist()
            assert values and all(spec["encoding"]["y"]["field"] in row for row in values)
            alt.Chart.from_dict({**spec, "data": {"values": values}}, validate=True)
        assert len(at.get("download_button")) == 2 * charts_in_tab + (2 if not section else 0)  # + the whole library
        if section:  # the job tabs' filters, from the URL
            assert at.multiselect[0].value == ["thumbnail"]  # an unknown kind in the URL is left out
            assert at.date_input[0].value == (datetime(2026, 1, 1).date(), datetime(2026, 1, 1).date())
            assert at.get("popover")[0].proto.popover.label == "Jobs requested on 1 Jan 2026 · thumbnail"  # what they pick, on the button
        else:
            assert not at.multiselect and not at.date_input  # the library's make-up is not filtered
    assert drawn == {"Library": ["Codecs", "Containers", "Resolutions", "Durations", "File sizes"],  # only the open tab is drawn
                     "Jobs": ["Jobs over time", "Failures by reason"],
                     "Run times": ["Run time per kind", "Run time per video size", "Queue wait per kind"]}
    # the percentiles' numbers under their charts, in the dashboard's one time format
    tables = [m.value for m in at.markdown if m.value.startswith("| ")]
    assert [t.splitlines()[2] for t in tables] == ["| thumbnail | 10 | 2.5 s | 4.0 s | 4.0 s | 4.0 s |",
                                                   "| under 10 MB | 10 | 2.5 s | 4.0 s | 4.0 s | 4.0 s |",
                                                   "| thumbnail | 12 | 2.0 s | 2.0 s | 2.0 s | 2.0 s |"]
    assert tables[1].splitlines()[0] == "| video size | jobs | median | 90th | 99th | longest |"


def test_the_unit_chosen_stays_and_is_in_the_url(known: Assembly) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "insights.py"), default_timeout=60)
    at.query_params["section"] = "Jobs"
    at.run()
    unit = at.get("segmented_control")[0]
    assert unit.value == "Per minute"  # the jobs of one day: per minute suits them
    unit.set_value("Per day").run()
    assert at.get("segmented_control")[0].value == "Per day" and at.query_params["unit"] == "day"
    at.run()  # the next rerun (another widget, the sidebar's fragment) keeps it
    assert at.get("segmented_control")[0].value == "Per day"
    at.get("segmented_control")[0].set_value("Per minute").run()  # the unit that suits the range is left out
    assert "unit" not in at.query_params and at.get("segmented_control")[0].value == "Per minute"
