"""The dashboard at team size (`python -m bench --scale`): a library of 10 videos and one
of 100,000 videos with 1,000,000 jobs (bulk inserted, bench/big_library.py), the real
server, headless Chromium. Measured:

- pages *settled* in the browser, from `goto` in a new tab (a new session) until the page
  shows all it will show, as a team member who opened VTM before sees them: in a browser
  profile on disk (Chromium's usual way, `--user-data-dir`), where Streamlit's scripts come
  from the browser's cache with their compiled code; and, for reference, the same in a
  private window, which keeps files but not compiled code (every load parses more of
  Streamlit's scripts again: ~0.25-0.35 s more a load here). What a page shows when settled: the Library's cards with their posters
  decoded, the Jobs table with its counts, every chart of the Insights tab opened by the
  address (each of its three tabs measured: only the open one is drawn);
- server time of search and sort in the library (in-process calls), and of the Jobs
  page's live fragment: from its rerun request on the WebSocket to the end of its
  answer, both stamped on the wire by a relay between the page and the server
  (bench/wire.py; Chromium's own stamps, kept for reference, wait for the page's drawing).
"""

from __future__ import annotations

import base64
import shutil
import statistics
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench import big_library
from bench.media_cases import Measure
from bench.server import STREAMLIT, Server, answering, free_port, interrupt
from bench.timing import Stats
from bench.wire import Relay
from vtm import assembly
from vtm.config import Settings

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LIBRARY_SETTLED = """([text, cards]) => {
    const main = document.querySelector('[data-testid=stMain]');
    if (!main || !main.innerText.includes(text)) return false;
    const images = [...main.querySelectorAll('.vtm-card img')];
    return images.length === cards && images.every(i => i.complete && i.naturalWidth > 0);
}"""
JOBS_SETTLED = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    return !!main && /Jobs 1–50 of [0-9,]+/.test(main.innerText)
        && main.querySelectorAll('.vtm-count').length === 4
        && main.querySelectorAll('table.vtm-jobs tbody tr').length > 0;
}"""
INSIGHTS_SETTLED = """(charts) => {
    const drawn = [...document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg.marks')]
        .filter(c => c.getBoundingClientRect().width > 0);
    return drawn.length >= charts;
}"""
# Streamlit's own floor, measured the same way in the same run: a bare app, and the same with
# one three-bar Vega-Lite chart (what any chart page pays before its own charts).
FLOOR_APPS = {
    "bare Streamlit app (a title and a line)": 'import streamlit as st\nst.title("Floor")\nst.write("done")\n',
    "bare Streamlit app with one Vega-Lite chart": (
        'import streamlit as st\nst.title("Floor")\nst.vega_lite_chart({"mark": "bar", "data": {"values": [{"a": "x", "b": 3}, '
        '{"a": "y", "b": 5}, {"a": "z", "b": 1}]}, "encoding": {"y": {"field": "a", "type": "nominal"}, '
        '"x": {"field": "b", "type": "quantitative"}}}, width="stretch")\nst.write("done")\n'),
}
FLOOR_SETTLED = """() => {
    const main = document.querySelector('[data-testid=stMain]');
    if (!main || !main.innerText.includes('done')) return false;
    const charts = [...main.querySelectorAll('[data-testid=stVegaLiteChart]')];
    return charts.every(c => c.querySelector('canvas, svg.marks'));
}"""
SIZES = {False: (100_000, 1_000_000), True: (2_000, 20_000)}  # videos, jobs; by `quick`
VIEWPORT: Any = {"width": 1400, "height": 1000}  # Playwright's ViewportSize
INSIGHTS_TABS = {"Library": ("", 5), "Jobs": ("?section=Jobs", 2), "Run times": ("?section=Run+times", 3)}  # query, charts


def measures(work: Path, clip: Path, repeats: int, quick: bool, shots: Path | None) -> list[Measure]:
    videos, jobs = SIZES[quick]
    small, big = work / "scale-10", work / "scale-big"
    made = big_library.make(small, 10, 0, clip)
    made_big = big_library.make(big, videos, jobs, clip)
    server_side = _server_times(big, repeats * 4)
    server_side.extra["generated_s"] = made + made_big
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        shutil.rmtree(work / "chromium-profile", ignore_errors=True)  # a new profile each run: its first rounds fill it
        profile = p.chromium.launch_persistent_context(work / "chromium-profile", executable_path="/usr/bin/chromium",
                                                       args=CHROMIUM_ARGS, viewport=VIEWPORT)
        windows = Windows(browser, profile, repeats)
        try:
            floor = {k: v for name, text in FLOOR_APPS.items() for k, v in _floor(windows, work, text, name).items()}
            with Server(small, work / "scale-10.log", workers=1) as server:
                at_10 = windows.settled(f"{server.url}/library", LIBRARY_SETTLED, ["1–10 of 10 videos", 10],
                                        "Library first page, 10 videos")
            with Server(big, work / "scale-big.log", workers=1, start_timeout=600) as server:
                at_big = windows.settled(f"{server.url}/library", LIBRARY_SETTLED, [f"1–24 of {videos:,} videos", 24],
                                         f"Library first page, {videos:,} videos")
                jobs_page = windows.settled(f"{server.url}/jobs", JOBS_SETTLED, None, f"Jobs page, {jobs:,} jobs")
                fragment = _fragment_reruns(browser, server, work, 12 if not quick else 4)
                insights = {k: v for tab, (query, charts) in INSIGHTS_TABS.items() for k, v in windows.settled(
                    f"{server.url}/insights{query}", INSIGHTS_SETTLED, charts, f"Insights page, {tab} tab, {jobs:,} jobs").items()}
                if shots is not None:
                    _screenshots(browser, server.url, shots)
                # last: the jobs it adds would make the pages above read anew
                busy = _fragment_reruns(browser, server, work, 12 if not quick else 4, busy=True)
        finally:
            profile.close()
            browser.close()
    pages = Measure("dashboard at scale", f"{videos:,} videos, {jobs:,} jobs; settled in headless Chromium", {
        **floor, **at_10, **at_big, **jobs_page, **insights, **fragment, **busy,
    }, {"fragment reruns seen on the wire": len(fragment["Jobs live fragment rerun (server)"].seconds) > 0})
    return [pages, server_side]


def _server_times(data_dir: Path, repeats: int) -> Measure:
    """Search and sort of the library, and the Jobs page's data, timed in the server's own
    calls, each read from the database (not from the store's memory of the last answer)."""
    rt = assembly.build(Settings(data_dir=data_dir, isolation="thread"), start_workers=False)
    svc = rt.service
    try:
        cases: dict[str, Callable[[], object]] = {
            "search 'beach', by name": lambda: svc.video_page(search="beach", sort="name"),
            "search 'clip-0999', newest": lambda: svc.video_page(search="clip-0999", sort="newest"),
            "sort longest first, page 2,000": lambda: svc.video_page(sort="duration", page=2000),
            "sort by name, page 1": lambda: svc.video_page(sort="name"),
            "jobs page 1 with counts": lambda: svc.job_page(svc.job_filter()),
            "jobs failed sheets, page 20": lambda: svc.job_page(svc.job_filter(status="failed", kind="sheet"), page=20),
            "jobs text 'beach', page 2": lambda: svc.job_page(svc.job_filter(text="beach"), page=2),
        }
        stats = {}
        for name, case in cases.items():
            case()
            seconds = []
            for _ in range(repeats):
                rt.store._memo.clear()  # the query's own cost: asked again unchanged, a page comes from memory
                started = time.perf_counter()
                case()
                seconds.append(time.perf_counter() - started)
            stats[name] = Stats(name, seconds)
        total = svc.video_page().total
    finally:
        rt.close()
    searches = [s for name, s in stats.items() if not name.startswith("jobs")]
    return Measure("library search and sort (server)", f"{total:,} videos, in-process calls of the Service", stats,
                   extra={"search_sort_max_median_ms": max(s.median for s in searches) * 1000})


def _floor(windows: Windows, work: Path, text: str, name: str) -> dict[str, Stats]:
    """`text` as a Streamlit app of its own (`streamlit run`, Streamlit's default settings),
    settled as VTM's pages are: the floor under every page's figure in this run. In a
    folder of its own: Streamlit watches the app's folder, and `work` holds 100,000 videos."""
    folder = work / f"floor-{zlib.crc32(name.encode()):08x}"
    folder.mkdir(exist_ok=True)
    app = folder / "app.py"
    app.write_text(text)
    port = free_port()
    with open(folder / "floor.log", "ab") as log:
        process = subprocess.Popen([str(STREAMLIT), "run", str(app), "--server.port", str(port), "--server.address", "127.0.0.1",
                                    "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            if not answering(process, f"{url}/_stcore/health", 60):
                raise RuntimeError(f"the floor app did not start; see {folder / 'floor.log'}")
            return windows.settled(url, FLOOR_SETTLED, None, name)
        finally:
            interrupt(process)


class Windows:
    """Where a page is opened: a new tab per round in a browser profile on disk (`profile`),
    and the same in a private window of `browser`. The first rounds are not counted: they
    warm the server (its caches, Python's imports) and the browser (Chromium keeps a
    script's compiled code from its second run on, and uses it from the third)."""

    WARM_ROUNDS = 2
    PRIVATE = ", private window"

    def __init__(self, browser: Any, profile: Any, repeats: int) -> None:
        self.browser, self.profile, self.repeats = browser, profile, repeats

    def settled(self, url: str, predicate: str, arg: object, name: str) -> dict[str, Stats]:
        """`name`'s settled times in the profile, and `name` + PRIVATE's in a private window."""
        private = self.browser.new_context(viewport=VIEWPORT)
        try:
            return {name: self._rounds(self.profile, url, predicate, arg, name),
                    name + self.PRIVATE: self._rounds(private, url, predicate, arg, name + self.PRIVATE)}
        finally:
            private.close()

    def _rounds(self, context: Any, url: str, predicate: str, arg: object, name: str) -> Stats:
        seconds = []
        for round_ in range(self.repeats + self.WARM_ROUNDS):
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_function(predicate, arg=arg, polling=20, timeout=120_000)
            if round_ >= self.WARM_ROUNDS:
                seconds.append(time.perf_counter() - started)
            page.close()
        return Stats(name, seconds)


def _busy(url: str, stop: threading.Event) -> None:
    """A thumbnail request every 30 ms (new sizes): the one worker claims, runs and
    completes jobs all through the measure, so every second's counts and page are new."""
    n = 0
    with httpx.Client(timeout=30) as client:
        while not stop.is_set():
            n += 1
            client.post(f"{url}/api/thumbnails/{n % 100_000 + 1}/{640 + n % 17}/{360 + n % 13}")
            stop.wait(0.03)


def _fragment_reruns(browser: Any, server: Server, work: Path, count: int, *, busy: bool = False) -> dict[str, Stats]:
    """Server time of the Jobs table's reruns (every second): from the rerun request
    reaching the server to the last byte of its answer (Streamlit's `script_finished`)
    leaving it, both stamped on the wire by a relay between the page and the server
    (bench/wire.py). For reference, the same pairs as Chromium's DevTools events stamp them
    (`Network.webSocketFrame*`), which the page's renderer sends as it handles each frame:
    they add the way through the browser and any drawing the page was busy with. The
    table's answer is the one with the four status counts (vtm/ui/job_table.py); the
    sidebar's fragment, also every second, is left out."""
    name = "Jobs live fragment rerun" + (", jobs running" if busy else "")
    context = browser.new_context(viewport=VIEWPORT)
    with Relay(server.port, work / f"wire{'-busy' if busy else ''}.jsonl") as relay:
        page = context.new_page()
        seen: list[tuple[str, float, bytes]] = []
        cdp = context.new_cdp_session(page)
        for event, way in (("Network.webSocketFrameSent", "sent"), ("Network.webSocketFrameReceived", "received")):
            cdp.on(event, lambda e, way=way: seen.append((way, e["timestamp"], _payload(e["response"]))))
        cdp.send("Network.enable")
        page.goto(f"{relay.url}/jobs")
        page.wait_for_function(JOBS_SETTLED, polling=50, timeout=120_000)
        stop = threading.Event()
        feeder = threading.Thread(target=_busy, args=(server.url, stop), daemon=True) if busy else None
        if feeder is not None:
            feeder.start()
        page.wait_for_timeout(1500)
        began, seen_from = time.monotonic(), len(seen)
        page.wait_for_timeout(1000 * (count + 1))
        ended, browser_seen = time.monotonic(), seen[seen_from:]
        stop.set()
        if feeder is not None:
            feeder.join()
        context.close()
        on_wire = [(m.way, m.t, m.data) for m in relay.messages() if began <= m.t <= ended]
    return {f"{name} (server)": _stats(f"{name} (server)", _rerun_times(on_wire)),
            f"{name}, browser-stamped": _stats(f"{name}, browser-stamped", _rerun_times(browser_seen))}


def _payload(response: dict[str, Any]) -> bytes:
    return base64.b64decode(response["payloadData"]) if response["opcode"] == 2 else response["payloadData"].encode()


def _rerun_times(messages: list[tuple[str, float, bytes]]) -> list[float]:
    """Seconds from each fragment rerun request ("sent") to the `script_finished` that
    ends the table's answer. Streamlit answers rerun requests in the order they came: the
    sidebar's and the table's are often both asked before the first is answered."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seconds: list[float] = []
    asked: list[float] = []
    counted = False  # the answer so far holds the four status counts (the table's, not the sidebar's)
    for way, stamp, payload in messages:
        if way == "sent":
            back = BackMsg()
            back.ParseFromString(payload)
            if back.WhichOneof("type") == "rerun_script" and back.rerun_script.fragment_id:
                asked.append(stamp)
            continue
        forward = ForwardMsg()
        forward.ParseFromString(payload)
        kind = forward.WhichOneof("type")
        element = forward.delta.new_element
        if kind == "delta" and element.WhichOneof("type") == "html" and 'class="vtm-counts"' in element.html.body:
            counted = True
        elif kind == "script_finished" and asked:
            started = asked.pop(0)
            if counted:
                seconds.append(stamp - started)
            counted = False
    return seconds


def _stats(name: str, seconds: list[float]) -> Stats:
    stats = Stats(name, seconds)
    if seconds:
        stats.note = f"{len(seconds)} reruns, p50 {statistics.median(seconds) * 1000:.0f} ms"
    return stats


def _screenshots(browser: Any, url: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    for path, predicate, arg, name, full in (
        ("/library", LIBRARY_SETTLED, ["1–24 of", 24], "library-100k.png", False),
        ("/jobs", JOBS_SETTLED, None, "jobs-1m.png", False),
        ("/insights", INSIGHTS_SETTLED, INSIGHTS_TABS["Library"][1], "insights.png", True),
        ("/insights?section=Jobs", INSIGHTS_SETTLED, INSIGHTS_TABS["Jobs"][1], "insights-jobs.png", True),
        ("/insights?section=Run+times", INSIGHTS_SETTLED, INSIGHTS_TABS["Run times"][1], "insights-run-times.png", True),
    ):
        page.set_viewport_size(VIEWPORT)
        page.goto(url + path)
        page.wait_for_function(predicate, arg=arg, polling=50, timeout=120_000)
        if full:  # Streamlit scrolls inside its main area, which a full-page shot does not unroll: a window as tall as the page
            height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
        page.wait_for_timeout(1500)
        page.screenshot(path=str(folder / name))
    context.close()
