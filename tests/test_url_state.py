"""The dashboard's state in its URL, in headless Chromium against the real server on a
library inserted in bulk (60 videos, 120 jobs): the Library's search, sort and page, the
video page's tab, the Jobs page's filters and open job survive a reload and follow Back
and Forward; the "Open a job" panel updates by itself (a job that completes shows
COMPLETED; after Retry it shows the new state)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import bulk_rows
from tests.api_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("url-state") / "data"
    bulk_rows.fill(data, 60, 120, videos["landscape"])
    live = LiveServer(data, VTM_TEST_HOOKS="1", VTM_WORKERS="1", VTM_MAX_ATTEMPTS="1").start()
    try:
        # a job that fails (its decoder aborts), made while the other tests run; the live test retries it
        httpx.post(f"{live.url}/api/videos/4/outputs", json={"kind": "crash"}, timeout=30).raise_for_status()
        yield live
    finally:
        live.stop()
    assert live.errors() == []


@pytest.fixture(scope="module")
def page(server: LiveServer) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium.new_page(viewport={"width": 1400, "height": 1000})
        chromium.close()


def card_names(page: Any) -> list[str]:
    return page.locator("[data-testid=stMain] .vtm-card a").all_inner_texts()


def shows_cards(page: Any, first: str, caption: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text(caption)).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid=stMain] .vtm-card a").first).to_have_text(first)


def test_library_search_sort_and_page_in_the_url(server: LiveServer, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/library?sort=oldest")
    shows_cards(page, "video-0001.mp4", "1–24 of 60 videos")
    assert card_names(page)[:3] == ["video-0001.mp4", "video-0002.mp4", "video-0003.mp4"]
    page.get_by_role("button", name="Page 2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/library\?sort=oldest&page=2$"))
    shows_cards(page, "video-0025.mp4", "25–48 of 60 videos")
    page.reload()
    shows_cards(page, "video-0025.mp4", "25–48 of 60 videos")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/library\?sort=oldest$"))
    shows_cards(page, "video-0001.mp4", "1–24 of 60 videos")
    page.go_forward()
    shows_cards(page, "video-0025.mp4", "25–48 of 60 videos")
    # a search goes back to page 1 and into the URL; Back brings the page before it, search box included
    search = page.get_by_placeholder("Search by name")
    search.fill("cat")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/library\?sort=oldest&q=cat$"))
    shows_cards(page, "cat-0010.mp4", "1–6 of 6 videos")
    page.go_back()
    shows_cards(page, "video-0025.mp4", "25–48 of 60 videos")
    expect(search).to_have_value("")
    # the sort, by the person
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Longest first").click()
    expect(page).to_have_url(re.compile(r"/library\?sort=duration$"))  # a new order starts at page 1
    shows_cards(page, "cat-0060.mp4", "1–24 of 60 videos")
    # a card is a link to its video; Back comes to the same page of the library
    page.get_by_role("link", name="Open cat-0060.mp4", exact=True).click()
    expect(page).to_have_url(re.compile(r"/library\?video=[0-9]+$"))
    expect(page.get_by_role("heading", name="cat-0060.mp4")).to_be_visible(timeout=30_000)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/library\?sort=duration$"))
    shows_cards(page, "cat-0060.mp4", "1–24 of 60 videos")
    # the pager's state comes from the URL on purpose: no warning with a stack for it in the server's log
    assert "created with a default value but also had its value set" not in server.log()


def test_the_video_page_tab_is_in_the_url(server: LiveServer, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/library?video=5&tab=Contact+sheet")
    expect(page.get_by_role("tab", name="Contact sheet")).to_have_attribute("aria-selected", "true", timeout=30_000)
    # the tab's own content drawn: the page's first run has come that far (the tab itself is
    # selected from the URL before the script reaches it)
    expect(page.get_by_role("button", name="Request contact sheet")).to_be_visible(timeout=30_000)
    storyboard = page.get_by_role("tab", name="Storyboard")
    storyboard.click()
    try:
        expect(page).to_have_url(re.compile(r"tab=Storyboard(&|$)"))
    except AssertionError:
        # Seen once in a CI run (two test workers), not in 14 runs of this module alone, 8 of
        # them with both cores kept busy: the URL still held the old tab 5 s after the click.
        # A person clicks again; so does the test, once, and says so.
        print(f"the click on 'Storyboard' did not reach the URL; it held: {page.url}")
        storyboard.click()
        expect(page).to_have_url(re.compile(r"tab=Storyboard(&|$)"))
    page.reload()
    expect(page.get_by_role("tab", name="Storyboard")).to_have_attribute("aria-selected", "true", timeout=30_000)
    expect(page.get_by_role("button", name="Request storyboard")).to_be_visible()


def test_jobs_filters_and_the_open_job_in_the_url(server: LiveServer, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.url}/jobs?status=failed&kind=thumbnail&job=45")
    expect(page.get_by_text("Jobs 1–24 of 24")).to_be_visible(timeout=30_000)  # 120 jobs, every fifth failed
    expect(page.get_by_text("Job 45 · thumbnail")).to_be_visible()
    expect(page.get_by_text("Timed out after 45 s").first).to_be_visible()
    page.get_by_test_id("stButtonGroup").get_by_text("Completed", exact=True).click()
    expect(page).to_have_url(re.compile(r"status=completed"))
    expect(page.get_by_text("Jobs 1–50 of 96")).to_be_visible(timeout=30_000)
    page.go_back()
    expect(page.get_by_text("Jobs 1–24 of 24")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Job 45 · thumbnail")).to_be_visible()
    # a job's id in the table opens it below, the filters kept
    first = page.get_by_role("link", name=re.compile(r"^Open job [0-9]+$")).first
    job_id = first.inner_text()
    assert job_id != "45"  # the newest failed thumbnail is on top
    first.click()
    expect(page).to_have_url(re.compile(rf"/jobs\?status=failed&kind=thumbnail&job={job_id}$"))
    expect(page.get_by_text(f"Job {job_id} · thumbnail")).to_be_visible(timeout=30_000)


# Counts, from now on, the most elements at once whose text includes `text` (stale ones of
# the run before included: Streamlit keeps them, faded, until the new run has finished).
MOST_AT_ONCE = """(text) => {
    window.__most = 0;
    const count = () => {
        const n = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stMarkdownContainer] p')]
            .filter(p => p.textContent.includes(text)).length;
        window.__most = Math.max(window.__most, n);
    };
    new MutationObserver(count).observe(document.body, {subtree: true, childList: true, characterData: true});
    count();
}"""
# The place, among the page's top-level elements, of the one whose text includes `text`.
PLACE = """(text) => [...document.querySelector('[data-testid=stMain] [data-testid=stVerticalBlock]').children]
    .findIndex(element => element.textContent.includes(text))"""


def test_a_rerun_never_shows_the_open_job_twice(server: LiveServer, page: Any) -> None:
    """From a one-page list (no pager) to a longer one (a pager) and back: the open job's
    panel keeps its place among the page's elements, so each run redraws it where it was.
    When the pager moved it by one, the last run's panel stayed beside the new one until
    the run ended (seen in a looped run of this module: "Job 45 · …" found twice); how long
    both show depends on how the server's messages fall, so the place is checked too."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}/jobs?status=failed&kind=thumbnail&job=45")
    expect(page.get_by_text("Jobs 1–24 of 24")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Retry this job")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    places = [page.evaluate(PLACE, "Job 45 ·")]
    for step, caption in ((lambda: page.get_by_test_id("stButtonGroup").get_by_text("Completed", exact=True).click(),
                           "Jobs 1–50 of 96"), (page.go_back, "Jobs 1–24 of 24")):
        page.evaluate(MOST_AT_ONCE, "Job 45 ·")
        step()
        expect(page.get_by_text(caption)).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1500)  # the run has finished and its stale elements are gone
        assert page.get_by_text("Job 45 ·").count() == 1
        assert page.evaluate("window.__most") == 1, f"the open job's panel was drawn twice at once ({caption})"
        places.append(page.evaluate(PLACE, "Job 45 ·"))
    assert places[0] > 0 and len(set(places)) == 1, f"the open job's panel moved: {places}"


def test_the_open_job_panel_is_live(server: LiveServer, page: Any) -> None:
    from playwright.sync_api import expect

    with httpx.Client(base_url=server.url, timeout=30) as api:
        slow = api.post("/api/videos/3/outputs", json={"kind": "hang", "seconds": 3}).json()
        page.goto(f"{server.url}/jobs?job={slow['id']}")
        panel = page.get_by_test_id("stMarkdownContainer").filter(has_text=f"Job {slow['id']} ·").last
        expect(panel).to_contain_text(re.compile("QUEUED|RUNNING"), timeout=30_000)
        page.evaluate("window.__not_reloaded = true")
        expect(panel).to_contain_text("COMPLETED", timeout=30_000)  # by itself
        # the crash job of the fixture: FAILED; Retry; its new attempt fails again, and the panel says so by itself
        crash = next(j for j in api.get("/api/jobs", params={"kind": "crash"}).json())
        page.goto(f"{server.url}/jobs?job={crash['id']}")
        panel = page.get_by_test_id("stMarkdownContainer").filter(has_text=f"Job {crash['id']} ·").last
        expect(panel).to_contain_text("FAILED", timeout=60_000)
        page.evaluate("window.__not_reloaded = true")
        before = api.get(f"/api/jobs/{crash['id']}").json()["finished_at"]
        page.get_by_role("button", name="Retry this job").click()
        deadline = time.monotonic() + 60
        while (job := api.get(f"/api/jobs/{crash['id']}").json())["finished_at"] in (before, None):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["status"] == "FAILED"
        expect(panel).to_contain_text("FAILED", timeout=10_000)
        expect(page.get_by_role("button", name="Retry this job")).to_be_visible()
        assert page.evaluate("window.__not_reloaded") is True
