"""A library of a few hundred videos and a thousand jobs, inserted in bulk
(tests/bulk_rows.py): the pages that browse it read one page at a time, search, sort
and filter in DuckDB, and count from the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import bulk_rows
from tests.bulk_rows import name
from tests.library_cards import library_cards
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.errors import InvalidInput
from vtm.models import JobStatus

VIDEOS, JOBS = 300, 1000
ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("navigation_only")


def page(name: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page(f"pages/{name}.py")
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Iterator[Assembly]:
    data = tmp_path_factory.mktemp("browse") / "data"
    bulk_rows.fill(data, VIDEOS, JOBS, videos["landscape"])
    with assembly.build(Settings(data_dir=data, isolation="thread"), start_workers=False).install() as rt:
        yield rt


def test_the_library_comes_a_page_at_a_time_sorted_and_searched_in_the_database(big: Assembly) -> None:
    svc = big.service
    first = svc.video_page(per_page=24)
    assert first.total == VIDEOS
    assert [v.filename for v in first.videos] == [name(n) for n in range(300, 276, -1)]  # newest first
    last = svc.video_page(page=13, per_page=24)
    assert [v.id for v in last.videos] == list(range(12, 0, -1))  # 300 = 12 pages of 24 + 12
    assert svc.video_page(page=14, per_page=24).videos == []
    longest = svc.video_page(sort="duration", page=2, per_page=10)
    assert [v.id for v in longest.videos] == list(range(290, 280, -1))
    by_name = svc.video_page(sort="name", per_page=5)
    assert [v.filename for v in by_name.videos] == ["50%_off-0007.mp4", "cat-0010.mp4", "cat-0020.mp4", "cat-0030.mp4",
                                                    "cat-0040.mp4"]
    cats = svc.video_page(search="CAT", sort="oldest", page=2, per_page=10)
    assert cats.total == 30 and [v.id for v in cats.videos] == list(range(110, 210, 10))
    # % and _ are found as typed, not as wildcards
    assert [v.filename for v in svc.video_page(search="0%_o").videos] == ["50%_off-0007.mp4"]
    assert svc.video_page(search="_").total == 1
    with pytest.raises(InvalidInput):
        svc.video_page(sort="size")
    with pytest.raises(InvalidInput):
        svc.video_page(per_page=100_000)


def test_jobs_are_filtered_paged_and_counted_in_the_database(big: Assembly) -> None:
    svc = big.service
    every = svc.job_page(svc.job_filter(), per_page=50)
    assert every.counts == {JobStatus.QUEUED: 0, JobStatus.RUNNING: 0, JobStatus.COMPLETED: 800, JobStatus.FAILED: 200}
    assert [j.id for j in every.jobs] == list(range(1000, 950, -1))
    failed = svc.job_page(svc.job_filter(status="failed"), page=3, per_page=10)
    assert failed.total == 200 and [j.id for j in failed.jobs] == list(range(900, 850, -5))
    assert all(j.status is JobStatus.FAILED and j.error == f"Timed out after {j.id} s" for j in failed.jobs)
    # video 10 (cat-0010.mp4) has jobs 10, 310, 610, 910; the text finds names and errors
    of_video = svc.job_page(svc.job_filter(video_id=10))
    assert [j.id for j in of_video.jobs] == [910, 610, 310, 10] and of_video.jobs[0].video_filename == "cat-0010.mp4"
    cats = svc.job_page(svc.job_filter(text="cat-"), per_page=200)
    assert cats.total == 100 and {j.video_id % 10 for j in cats.jobs} == {0}
    errors = svc.job_page(svc.job_filter(text="after 45 s"))
    assert [j.id for j in errors.jobs] == [45]
    # 300 videos: a video's jobs are m, m + 300, …, all FAILED when 5 divides m
    both = svc.job_page(svc.job_filter(status="completed", text="video-", video_id=21))
    assert [j.id for j in both.jobs] == [921, 621, 321, 21] and both.counts[JobStatus.COMPLETED] == 4
    assert svc.job_page(svc.job_filter(status="completed", text="cat-", video_id=21)).jobs == []
    assert svc.job_page(svc.job_filter(status="failed", video_id=20)).counts[JobStatus.COMPLETED] == 0  # only its status
    assert svc.job_page(svc.job_filter(video_id=20)).counts == {JobStatus.QUEUED: 0, JobStatus.RUNNING: 0,
                                                                JobStatus.COMPLETED: 0, JobStatus.FAILED: 4}
    with pytest.raises(InvalidInput, match="status='done'"):
        svc.job_filter(status="done")


def test_the_library_page_shows_the_cards_of_the_page_in_the_url(big: Assembly) -> None:
    at = page("library", page="13")
    assert not at.exception
    names = [card.name for card in library_cards(at)]
    assert names == [name(n) for n in range(12, 0, -1)]  # the last page: 12 cards
    assert "289–300 of 300 videos" in [c.value for c in at.caption]
    at = page("library", q="cat", sort="duration")
    names = [card.name for card in library_cards(at)]
    assert names[:3] == ["cat-0300.mp4", "cat-0290.mp4", "cat-0280.mp4"] and len(names) == 24
    assert at.text_input[0].value == "cat" and at.selectbox[0].value == "Longest first"
    at = page("library", page="99")  # past the end: the last page
    assert "289–300 of 300 videos" in [c.value for c in at.caption]


def test_the_jobs_page_reads_its_filters_and_open_job_from_the_url(big: Assembly) -> None:
    at = page("jobs", status="failed", video="20", job="320")
    assert not at.exception
    assert at.number_input(key="jobs_video").value == 20 and at.number_input(key="jobs_pick").value == 320
    assert any("Jobs 1–4 of 4" in c.value for c in at.caption)
    assert any("Job 320" in m.value and "FAILED" in m.value for m in at.markdown)
    assert page("jobs", status="done").exception == []  # an unknown status is left out, not an error
