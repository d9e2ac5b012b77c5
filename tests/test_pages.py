"""Every dashboard page through Streamlit's AppTest, on a real runtime (burst mode, real
DuckDB file, real generated videos). AppTest does not run the st.App lifespan, so the
`rt` fixture starts the runtime the pages reach through vtm.current()."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.jobs_shown import job_counts, job_rows
from tests.library_cards import library_cards
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.models import JobKind, JobNode, JobStatus, Video
from vtm.ui import format

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"upload": "pages/upload.py", "library": "pages/library.py", "jobs": "pages/jobs.py"}


pytestmark = pytest.mark.usefixtures("navigation_only")


def test_the_router_draws_the_sidebar_on_every_page(rt: Assembly) -> None:
    for page in PAGES:
        at = app(page)
        assert "Video Thumbnails Maker" in at.sidebar.caption[0].value  # dashboard.py ran around the page
        assert "Idle" in at.sidebar.caption[1].value


def app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if page:
        at.switch_page(PAGES[page])
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def place(at: AppTest, key: str) -> int:
    """The place, among the main area's top-level elements, of the one holding widget `key`."""
    for index, node in at.main.children.items():
        inside = node.get("text_input") + node.get("selectbox") + node.get("button") if hasattr(node, "get") else [node]
        if any(getattr(widget, "key", None) == key for widget in inside):
            return index
    raise AssertionError(f"no widget {key!r} on the page")


def texts(at: AppTest) -> str:
    """Everything the page says, as one string."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def add(rt: Assembly, videos: dict[str, Path], key: str, name: str | None = None) -> Video:
    return rt.service.add_local_file(videos[key], name)


@pytest.mark.parametrize(("page", "title"), [(None, "Video Thumbnails Maker"), ("upload", "Upload"),
                                              ("library", "Library"), ("jobs", "Jobs")])
def test_every_page_renders_without_error(rt: Assembly, page: str | None, title: str) -> None:
    at = app(page)
    assert not at.exception
    assert title in at.title[0].value


def test_jobs_table_shows_a_new_job_then_its_completion(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    job = rt.service.request_thumbnail(video.id, 160, 0)
    at = app("jobs")
    [row] = job_rows(at)
    assert (row["id"], row["id href"], row["status"], row["progress"]) == (str(job.id), f"?job={job.id}", "QUEUED", "0%")
    assert (row["video"], row["video href"]) == ("landscape.mp4", f"/library?video={job.video_id}")  # a link, named
    assert job_counts(at) == {"Queued": 1, "Running": 0, "Completed": 0, "Failed": 0}

    rt.workers.drain()
    at.run()
    [row] = job_rows(at)
    assert (row["status"], row["progress"], row["took"] != "") == ("COMPLETED", "", True)  # no bar once it ended
    assert job_counts(at) == {"Queued": 0, "Running": 0, "Completed": 1, "Failed": 0}


def test_jobs_filter_by_status_and_open_a_completed_job(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    job = rt.service.request_thumbnail(video.id, 160, 0)
    rt.workers.drain()
    at = app("jobs")
    at.segmented_control(key="jobs_status").set_value("FAILED").run()
    assert not job_rows(at) and "No jobs here yet" in texts(at)
    at.segmented_control(key="jobs_status").set_value("COMPLETED").run()
    assert [row["id"] for row in job_rows(at)] == [str(job.id)]
    assert job_rows(at)[0]["id href"] == f"?status=completed&job={job.id}"  # opens it, the filter kept

    at.number_input(key="jobs_pick").set_value(job.id).run()
    assert not at.exception
    assert len(at.image) == 1
    assert at.get("download_button")


def test_retry_a_failed_job(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    job = rt.service.request_thumbnail(video.id, 160, 0)
    rt.data.absolute(video.path).unlink()  # the worker will not find the file
    rt.workers.drain()
    assert rt.service.get_job(job.id).status is JobStatus.FAILED
    at = app("jobs")
    at.number_input(key="jobs_pick").set_value(job.id).run()
    assert at.error and at.error[0].value  # the job's message, not a traceback
    at.button(key=f"retry_{job.id}").click().run()
    assert not at.exception
    assert rt.service.get_job(job.id).status is JobStatus.QUEUED


def test_unknown_job_id_is_a_message(rt: Assembly) -> None:
    at = app("jobs")
    at.number_input(key="jobs_pick").set_value(999).run()
    assert not at.exception
    assert "999" in texts(at)


def test_empty_library_offers_sample_videos(rt: Assembly) -> None:
    at = app("library")
    assert "The library is empty" in texts(at)
    at.button(key="add_samples").click().run()
    assert not at.exception
    names = {v.filename for v in rt.service.list_videos()}
    assert names == {"sample-test-pattern.mp4", "sample-portrait-phone.mp4", "sample-black-intro.mp4"}
    assert "Added 3 sample videos" in texts(at)
    assert len(library_cards(at)) == 3
    # the next run shows no message, and draws the toolbar in the same place: one place up,
    # the browser kept the last run's toolbar and cards beside the new ones until it ended
    searching = place(at, "library_search")
    at.run()
    assert "Added 3 sample videos" not in texts(at)
    assert place(at, "library_search") == searching
    portrait = rt.service.list_videos(search="portrait")[0]
    assert (portrait.width, portrait.height) == (360, 640)


def test_library_card_opens_the_video_and_requests_a_thumbnail(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    at = app("library")
    [card] = library_cards(at)
    assert (card.name, card.label, card.href) == ("landscape.mp4", "Open landscape.mp4", f"/library?video={video.id}")
    # The card shows the video's poster: the 4:3 frame fitted into 480x270, padded at the sides.
    with Image.open(rt.data.poster_path(video.id)) as poster:
        expected = np.asarray(poster.convert("RGB").resize((360, 270)), dtype=np.int16)
    shown = np.asarray(card.picture(), dtype=np.int16)
    assert shown.shape == (270, 480, 3)
    assert np.abs(shown[:, 62:418] - expected[:, 2:358]).mean() < 8
    assert np.abs(shown[:, :56] - (236, 239, 244)).max() < 12 and np.abs(shown[:, -56:] - (236, 239, 244)).max() < 12
    at = app("library", video=str(video.id))  # where the card's link goes
    assert at.header[0].value == "landscape\\.mp4"
    assert len(at.tabs) == 5
    assert not library_cards(at)  # the grid is not drawn under it

    form = at.get("form")  # the thumbnail form is the first
    assert form
    at.number_input[0].set_value(200)  # width; height left empty keeps the aspect
    at.button(key="FormSubmitter:request_thumbnail-Request thumbnail").click().run()
    assert not at.exception
    jobs = rt.service.list_jobs(video_id=video.id, kind="thumbnail")
    assert [(j.width, j.height, j.params["at"], j.params["fit"]) for j in jobs] == [(200, 150, "auto", "cover")]
    assert f"Job {jobs[0].id} is queued" in texts(at)


@pytest.mark.parametrize(("value", "message"), [  # in the form's words, next to the field
    ("tomorrow", "Time 'tomorrow': use seconds (12.5), a percentage (40%) or auto."),
    ("150%", "Time '150%': a percentage must be between 0% and 100%."),
    ("9.5", "Time 9.5: that is past the end; the video is 2 s long"),
])
def test_a_bad_time_is_a_message_and_no_job(rt: Assembly, videos: dict[str, Path], value: str, message: str) -> None:
    video = add(rt, videos, "landscape")
    at = app("library", video=str(video.id))
    at.text_input[0].set_value(value)  # the thumbnail form's Time
    at.button(key="FormSubmitter:request_thumbnail-Request thumbnail").click().run()
    assert not at.exception
    assert format.md(message) in at.error[0].value
    assert rt.service.list_jobs() == []


def test_library_search_and_sort(rt: Assembly, videos: dict[str, Path]) -> None:
    add(rt, videos, "landscape", "alpha.mp4")  # 2 s
    add(rt, videos, "black_intro", "beta.mp4")  # 6 s
    at = app("library")
    at.selectbox(key="library_sort").set_value("Longest first").run()
    assert [card.name for card in library_cards(at)] == ["beta.mp4", "alpha.mp4"]
    at.text_input(key="library_search").set_value("alp").run()
    assert [card.name for card in library_cards(at)] == ["alpha.mp4"]
    at.text_input(key="library_search").set_value("zzz").run()
    assert "No video name contains" in texts(at)


@pytest.mark.parametrize("query", ["999", "abc"])
def test_a_bad_video_link_is_a_message(rt: Assembly, query: str) -> None:
    at = app("library", video=query)
    assert not at.exception
    # any other banner (e.g. low disk space on the machine running the tests) may come first
    assert [w for w in at.warning if query in w.value]
    assert at.button(key="library_back")


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>.mp4", "**bold** _it_ [link](x) #1.mp4"])
def test_file_names_are_shown_as_typed(rt: Assembly, videos: dict[str, Path], tmp_path: Path, name: str) -> None:
    video = add(rt, videos, "landscape", name)
    assert video.filename == name  # kept as given (issue 13), stored on disk under a safe name
    rt.service.request_thumbnail(video.id, 160, 0)
    rt.workers.drain()
    # Every Markdown special of the stored name is escaped, so it renders literally.
    escaped = format.md(video.filename)
    for at in (app("library"), app("library", video=str(video.id)), app()):
        assert not at.exception
        shown = texts(at) + "\n".join(c for image in at.image for c in image.captions)
        assert "<img" not in shown.replace("\\<img", "")  # only ever escaped: never a tag
        assert escaped in shown or [card.name for card in library_cards(at)] == [name]
    # The Library's card is HTML: the name is its text, escaped, never markup.
    [card] = library_cards(app("library"))
    assert (card.name, card.label, card.alt) == (name, f"Open {name}", f"Poster of {name}")
    assert card.tags == ["div", "img", "a", "span", "span"]  # the card's own elements, none from the name
    jobs = app("jobs")  # the table is HTML: the name is its text, escaped
    assert [(row["video"], row["video href"]) for row in job_rows(jobs)] == [(name, f"/library?video={video.id}")]
    assert "<img src=x" not in "".join(e.proto.body for e in jobs.get("html"))
    jobs.number_input(key="jobs_pick").set_value(1).run()
    assert escaped in texts(jobs)


def test_other_outputs_storyboard_scrub_and_scenes_gallery(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "black_intro")
    for kind, options in [(JobKind.STORYBOARD, {"every": 1}), (JobKind.SCENES, {}), (JobKind.PREVIEW, {"moments": 2}),
                          (JobKind.SHEET, {"columns": 2, "rows": 2})]:
        rt.service.request_output(video.id, kind, options)
    rt.workers.drain()
    assert {j.status for j in rt.service.list_jobs()} == {JobStatus.COMPLETED}
    at = app("library", video=str(video.id))
    assert not at.exception
    scrub = at.select_slider[0]
    assert len(scrub.options) == 6  # one tile a second over 6 s
    scrub.set_value(3).run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    # Named for what they download; a scene list and a storyboard as one zip each (their files name each other).
    assert {label.rsplit(" · ", 1)[0] for label in labels} == {"Scenes ZIP", "Scenes CSV", "Preview WEBP", "Preview GIF",
                                                               "Storyboard ZIP", "Contact sheet JPG"}


def test_a_video_page_shows_running_jobs_live_and_finished_ones_with_their_downloads(
        rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    done = rt.service.request_thumbnail(video.id, 160, 0)
    rt.workers.drain()
    waiting = rt.service.request_thumbnail(video.id, 200, 0)
    at = app("library", video=str(video.id))
    assert not at.exception
    assert [p.proto.text for p in at.get("progress")] == ["Queued… 0%"]
    buttons = at.get("download_button")
    assert [b.proto.label.rsplit(" · ", 1)[0] for b in buttons] == ["Thumbnail JPG"]
    # A click downloads without rerunning the page: a rerun renews the button's file id while the
    # browser still asks for the old one (tests/test_team_ui.py clicks it for real).
    assert all(b.proto.ignore_rerun for b in buttons)
    assert f"Job {done.id}" in texts(at) and f"Job {waiting.id}" in texts(at)

    rt.workers.drain()
    at.run()
    assert not at.get("progress")
    assert len(at.get("download_button")) == 2


def test_delete_a_video_after_confirming(rt: Assembly, videos: dict[str, Path]) -> None:
    video = add(rt, videos, "landscape")
    folder = rt.data.video_dir(video.id)
    at = app("library", video=str(video.id))
    at.button(key="delete_video").click().run()
    assert not at.exception
    assert rt.service.list_videos() == []
    assert not folder.exists()
    assert "Deleted landscape\\.mp4" in texts(at)


def test_pages_without_a_runtime_say_so(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    at = app("jobs")
    assert not at.exception
    assert "VTM is not started" in at.error[0].value


def test_the_sidebar_says_jobs_wait_while_the_cluster_is_unreachable_and_jobs_show_their_node(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    with socket.socket() as sock:  # a port where no Ray head listens
        sock.bind(("127.0.0.4", 0))
        address = f"127.0.0.4:{sock.getsockname()[1]}"
    settings = Settings(data_dir=tmp_path / "data", isolation="thread", executor="ray", ray_address=address)
    with assembly.build(settings, start_workers=False).install() as rt:
        deadline = time.monotonic() + 60
        while rt.service.cluster_status()["state"] != "unreachable":  # type: ignore[index]
            assert time.monotonic() < deadline, rt.service.cluster_status()
            time.sleep(0.2)
        video = add(rt, videos, "landscape")
        job = rt.service.request_thumbnail(video.id, 160, 0)
        assert rt.store.claim_next() is not None  # as the dispatcher does when the cluster is up
        rt.store.set_placement(job.id, JobNode("c0ffee" * 8, "10.0.0.7", "render-2"), 2)
        at = app("jobs")
        assert any("cluster unreachable — jobs wait" in c.value for c in at.sidebar.caption)
        [row] = job_rows(at)
        assert (row["node"], row["attempts"]) == ("render-2 (10.0.0.7)", "2")


def test_overview_thumbnails_and_posters_link_to_their_video(rt: Assembly, videos: dict[str, Path]) -> None:
    """Issue 13, item 12: a picture of a video opens the video's page; every picture says what it shows."""
    video = add(rt, videos, "landscape", "holiday.mp4")
    rt.service.request_thumbnail(video.id, 160, 0)
    rt.workers.drain()
    at = app()
    assert not at.exception
    links = [image.proto.link for image in at.image]
    assert links == [f"/library?video={video.id}"]
    alts = [img.alt for image in at.image for img in image.proto.imgs]
    assert alts and all("holiday.mp4" in alt for alt in alts)
    [card] = library_cards(app("library"))  # the whole card is the link
    assert (card.href, card.label, card.alt) == (f"/library?video={video.id}", "Open holiday.mp4", "Poster of holiday.mp4")
    jobs = app("jobs")  # item 8: the job's details in the form's words; item 12: a link to its video
    jobs.number_input(key="jobs_pick").set_value(1).run()
    details = texts(jobs)
    assert "Width 160 · Height 120 · Time 0 · Fit cover · Format jpg · Quality 85 · Bars colour 000000 · " \
           "Nearest keyframe no" in details
    assert "fast" not in details and "pad=" not in details
    assert [(link.proto.page, dict(link.proto.query_string and [kv.split("=") for kv in link.proto.query_string.split("&")]))
            for link in jobs.get("page_link") if "holiday" in link.proto.label] == [("library", {"video": str(video.id)})]


def test_a_library_page_is_answered_from_memory_until_the_library_changes(rt: Assembly, videos: dict[str, Path]) -> None:
    """A page of the Library opened again reads nothing while no write happened; an added or
    a deleted video is on the next page read at once (never a card of a deleted video)."""
    first, second = add(rt, videos, "landscape", "first.mp4"), add(rt, videos, "wide", "second.mp4")
    shown = rt.service.video_page()
    assert [v.id for v in shown.videos] == [second.id, first.id] and shown.total == 2
    assert rt.service.video_page() is shown  # from memory: nothing was written since
    assert rt.service.video_page(sort="name") is not shown  # another question is read
    rt.service.delete_video(second.id)
    assert [(v.id, v.filename) for v in rt.service.video_page().videos] == [(first.id, "first.mp4")]
    third = add(rt, videos, "portrait", "third.mp4")
    assert [v.id for v in rt.service.video_page().videos] == [third.id, first.id]
    assert [card.name for card in library_cards(app("library"))] == ["third.mp4", "first.mp4"]
