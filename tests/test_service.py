"""The Service (vtm.service), as a specification of VTM's use cases. Every face — the
dashboard, the API, the CLI — does what it does through these methods; each checks its
input and raises a typed error a person can act on. Real store, real files, real clips;
jobs run when the test drains the queue (burst mode)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from vtm import tickets
from vtm.assembly import Assembly
from vtm.errors import Conflict, InvalidInput, NotFound, Unsupported
from vtm.models import JobKind, JobStatus
from vtm.service import Service, TileCue, current


# -- videos ---------------------------------------------------------------------------
def test_a_video_is_added_with_its_facts_and_poster_and_a_safe_name(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"], "../a/b\x00c<d>.mp4")
    assert video.filename == "../a/bc<d>.mp4"  # kept as given (issue 13), control characters aside
    assert service.source_file(video).name == "bcd.mp4"  # stored as one path component, no reserved characters
    assert (video.width, video.height, video.codec) == (320, 240, "h264") and video.duration == pytest.approx(2.0, abs=0.1)
    poster = service.poster_path(video)
    assert poster is not None
    with Image.open(poster) as image:
        assert image.width == 480
    assert service.get_video(video.id) == video and service.list_videos() == [video]


def test_a_name_taken_or_a_file_that_is_no_video_adds_nothing(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    service.add_local_file(videos["landscape"], "same.mp4")
    with pytest.raises(Conflict) as taken:
        service.add_local_file(videos["wide"], "same.mp4")
    assert taken.value.code == "duplicate_name"
    with pytest.raises(Unsupported) as refused:
        service.add_local_file(videos["corrupt"])
    assert "corrupt.mp4 is not a video VTM can read" in refused.value.message
    assert [v.filename for v in service.list_videos()] == ["same.mp4"]
    assert sorted(p.name for p in (rt.data.root / "videos").iterdir()) == ["1"]  # no folder left by the refusals
    assert list(rt.data.tmp.iterdir()) == []


def test_listing_searches_and_sorts_and_refuses_an_unknown_sort(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    for name in ("b.mp4", "a.mp4", "ab.mp4"):
        service.add_local_file(videos["landscape"], name)
    assert [v.filename for v in service.list_videos(sort="name")] == ["a.mp4", "ab.mp4", "b.mp4"]
    assert [v.filename for v in service.list_videos(search="a", sort="oldest")] == ["a.mp4", "ab.mp4"]
    with pytest.raises(InvalidInput, match="use one of newest, oldest, name, duration"):
        service.list_videos(sort="size")


def test_deleting_a_video_removes_its_rows_files_and_outputs(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    thumb = service.request_thumbnail(video.id, 64, 0)
    sheet, _ = service.request_output(video.id, JobKind.SHEET, {"columns": 2, "rows": 1, "width": 64})
    rt.workers.drain()
    made = [service.output_file(service.get_job(thumb.id)), service.output_file(service.get_job(sheet.id))]
    service.delete_video(video.id)
    assert service.list_videos() == [] and service.list_jobs() == []
    assert not any(path.exists() for path in made) and not rt.data.video_dir(video.id).exists()
    with pytest.raises(NotFound):
        service.get_video(video.id)


# -- jobs -------------------------------------------------------------------------------
def test_the_same_request_in_any_spelling_is_the_same_job(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    first, created = service.request_output(video.id, "sheet", {"grid": "3x2", "format": "jpeg"})
    again, created_again = service.request_output(video.id, JobKind.SHEET, {"columns": "3", "rows": 2, "fast": "1"})
    assert (created, created_again, again.id) == (True, False, first.id)
    assert first.status is JobStatus.QUEUED and first.params["columns"] == 3


@pytest.mark.parametrize(
    ("kind", "options", "json_types", "words"),
    [
        ("gif", {}, False, "use one of thumbnail, sheet, storyboard, preview, scenes"),
        ("crash", {}, False, "only for tests"),
        ("sheet", {"columns": "4"}, True, "send a whole number, not a string"),
        ("sheet", {"columns": 40}, False, "between 1 and 12"),
        ("thumbnail", {"width": 1, "height": 1, "colour": "red"}, False, "Unknown option(s): colour"),
    ],
)
def test_a_request_that_cannot_be_made_says_why(rt: Assembly, videos: dict[str, Path], kind: str, options: dict[str, object],
                                                json_types: bool, words: str) -> None:
    video = rt.service.add_local_file(videos["landscape"])
    with pytest.raises(InvalidInput) as refused:
        rt.service.request_output(video.id, kind, options, json_types)
    assert words in refused.value.message
    assert rt.service.list_jobs() == []


def test_an_output_is_found_served_and_listed_once_made(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    with pytest.raises(NotFound, match="POST it first"):
        service.find_output(video.id, JobKind.THUMBNAIL, {"width": 64})
    job = service.request_thumbnail(video.id, 64, 0)
    with pytest.raises(Conflict) as early:
        service.output_file(service.find_output(video.id, JobKind.THUMBNAIL, {"width": "64", "height": ""}))
    assert early.value.code == "not_ready"
    rt.workers.drain()
    done = service.get_job(job.id)
    assert done.status is JobStatus.COMPLETED and service.output_files(done) == [service.output_file(done)]
    assert service.job_counts()[JobStatus.COMPLETED] == 1
    assert [j.id for j in service.list_jobs(status="completed", kind="thumbnail", video_id=video.id)] == [job.id]
    with pytest.raises(InvalidInput, match="status='done': use one of QUEUED, RUNNING, COMPLETED, FAILED"):
        service.list_jobs(status="done")


def test_only_a_failed_job_is_retried(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    job = service.request_thumbnail(video.id, 64, 0)
    with pytest.raises(Conflict, match="only FAILED jobs"):
        service.retry_job(job.id)
    rt.store.mark_failed(job.id, "broken on purpose")
    with pytest.raises(Conflict) as failed:
        service.output_file(service.get_job(job.id))
    assert failed.value.code == "job_failed"
    assert service.retry_job(job.id).status is JobStatus.QUEUED


def test_a_storyboard_and_a_scene_list_read_back_with_their_files(rt: Assembly, videos: dict[str, Path]) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    board, _ = service.request_output(video.id, "storyboard", {"every": 0.5, "columns": 2, "rows": 1, "width": 64})
    scenes, _ = service.request_output(video.id, "scenes", {"width": 64})
    rt.workers.drain()
    cues = service.storyboard_cues(service.get_job(board.id))
    assert cues and all(isinstance(c, TileCue) and c.path is not None and c.path.is_file() for c in cues)
    assert cues[0].url.startswith(f"/api/jobs/{board.id}/files/")
    rows = service.scenes_of(service.get_job(scenes.id))
    assert rows and rows[0]["path"].is_file() and rows[0]["url"] == f"/api/jobs/{scenes.id}/files/{rows[0]['keyframe']}"
    assert service.job_file(service.get_job(board.id), cues[0].sprite) == cues[0].path
    with pytest.raises(NotFound):
        service.job_file(service.get_job(board.id), "../vtm.duckdb")
    with pytest.raises(InvalidInput, match="not a storyboard"):
        service.storyboard_cues(service.get_job(scenes.id))


# -- pages, upkeep, the running service ------------------------------------------------------
def test_a_picture_for_a_page_fits_its_box_or_says_why_not(rt: Assembly, videos: dict[str, Path], tmp_path: Path) -> None:
    service = rt.service
    video = service.add_local_file(videos["landscape"])
    poster = service.poster_path(video)
    assert poster is not None
    with Image.open(io.BytesIO(service.picture(poster, 100))) as small:
        assert max(small.size) <= 100
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a picture")
    with pytest.raises(Unsupported) as unshowable:
        service.picture(broken, 100)
    assert unshowable.value.code == "unshowable"


def test_upkeep_reports_the_folder_and_the_space_left(rt: Assembly, settings: object) -> None:
    report = rt.service.check_data_folder()
    assert report["before"]["ok"] and report["actions"] == [] and report["after"] == report["before"]
    free, low = rt.service.disk_space()
    assert free > 0 and low == (free < rt.settings.min_free_mb * 1024 * 1024)
    assert rt.service.data_folder == str(rt.data.root)
    assert rt.service.user_error(OSError(28, "No space left on device")).code == "disk_full"  # type: ignore[union-attr]
    assert rt.service.user_error(ValueError("a bug")) is None


def test_an_upload_ticket_is_minted_only_with_a_token(rt: Assembly) -> None:
    assert rt.service.upload_ticket() == ""
    service = Service(settings=rt.settings.__class__(data_dir=rt.settings.data_dir, api_token="s3cret"), data=rt.data,
                      store=rt.store, events=rt.events, ingest=rt.ingest_executor, workers=rt.workers)
    assert tickets.valid("s3cret", service.upload_ticket())


def test_the_running_service_is_the_installed_one(rt: Assembly) -> None:
    assert current() is rt.service
    rt.close()
    with pytest.raises(RuntimeError, match="VTM is not started"):
        current()


def test_every_job_change_is_an_event(rt: Assembly, videos: dict[str, Path]) -> None:
    video = rt.service.add_local_file(videos["landscape"])
    start = rt.service.events.last_seq
    job = rt.service.request_thumbnail(video.id, 64, 0)
    rt.workers.drain()
    seen = [(e.data["id"], e.data["status"]) for e in rt.service.events.since(start)]
    assert seen[0] == (job.id, "QUEUED") and seen[-1] == (job.id, "COMPLETED") and (job.id, "RUNNING") in seen
