"""Recipes: checked when saved, stored in DuckDB, applied once per video by the real
service as videos arrive (the jobs are queued and made), per watched folder and for uploads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vtm.assembly import Assembly
from vtm.errors import InvalidInput
from vtm.models import JobKind, JobStatus
from vtm.recipes import UPLOADS, RecipeBook, target_for
from vtm.watch.state import FileState, WatchEvent, WatchEventKind

ON_ARRIVAL = [
    {"kind": "thumbnail", "options": {"width": 320, "height": 0, "at": "auto"}},
    {"kind": "storyboard", "options": {"every": 5}},
    {"kind": "scenes"},
]


def request(rt: Assembly):
    return lambda video_id, kind, options: rt.service.request_output(video_id, kind, options)[0]


def test_a_recipe_is_applied_once_per_video_and_its_outputs_are_made(rt: Assembly, videos: dict[str, Path]) -> None:
    book = RecipeBook(rt.store)
    book.set(UPLOADS, ON_ARRIVAL)
    video = rt.service.add_local_file(videos["landscape"])  # the upload applies the uploads recipe itself
    jobs = sorted(rt.service.list_jobs(video_id=video.id), key=lambda j: j.id)
    assert [j.kind for j in jobs] == [JobKind.THUMBNAIL, JobKind.STORYBOARD, JobKind.SCENES]
    assert jobs[1].params["every"] == 5.0
    assert book.apply(video, UPLOADS, request(rt)) is None  # once per video
    # Still once after a restart: the record is in the database.
    assert RecipeBook(rt.store).apply(video, UPLOADS, request(rt)) is None
    rt.workers.drain()
    made = rt.service.list_jobs(video_id=video.id)
    assert sorted(j.kind for j in made) == sorted([JobKind.THUMBNAIL, JobKind.STORYBOARD, JobKind.SCENES])
    assert all(j.status is JobStatus.COMPLETED for j in made), [(j.kind, j.error) for j in made]
    assert rt.service.output_file(made[0]).stat().st_size > 0


def test_per_folder_recipes_and_none(rt: Assembly, videos: dict[str, Path], tmp_path: Path) -> None:
    book = RecipeBook(rt.store)
    folder = tmp_path / "camera"
    (folder / "day1").mkdir(parents=True)
    book.set(str(folder), [{"kind": "sheet", "options": {"grid": "2x2"}}])
    assert target_for(folder / "day1" / "a.mp4", [tmp_path, folder]) == str(folder)  # the deepest folder
    assert target_for(Path("/elsewhere/a.mp4"), [folder]) is None
    rt.service.add_watch_folder(str(folder))
    path = folder / "day1" / "a.mp4"
    shutil.copy(videos["landscape"], path)
    rt.service.handle_watch_event(WatchEvent(WatchEventKind.ADDED, str(path), FileState.of(path.stat())))
    (first,) = rt.service.list_videos()
    (job,) = rt.service.list_jobs(video_id=first.id)
    assert (job.kind, job.params["columns"], job.params["rows"]) == (JobKind.SHEET, 2, 2)
    assert book.apply(first, str(folder), request(rt)) is None  # once per video
    second = rt.service.add_local_file(videos["wide"])  # no recipe for uploads: nothing, but recorded
    assert rt.service.list_jobs(video_id=second.id) == [] and book.apply(second, UPLOADS, request(rt)) is None
    assert [r.target for r in book.all()] == [str(folder)]
    book.remove(str(folder))
    assert book.get(str(folder)) is None


@pytest.mark.parametrize(
    ("outputs", "says"),
    [
        ("thumbnail", "give a list"),
        ([{"kind": "hang"}], "is not one of"),
        ([{"kind": "thumbnail", "options": {"width": 99999}}], r"outputs\[0\] \(thumbnail\): width=99999"),
        ([{"kind": "storyboard", "options": {"every": 0}}], r"outputs\[0\] \(storyboard\)"),
        ([{"kind": "scenes", "options": {"colour": "red"}}], r"outputs\[0\] \(scenes\)"),
        ([{"kind": "sheet", "extra": 1}], "give"),
        ([{"kind": "sheet", "options": [1]}], "options must be an object"),
        ([{"kind": "scenes"}] * 21, "at most 20"),
    ],
)
def test_bad_recipes_are_refused_when_saved(rt: Assembly, outputs: object, says: str) -> None:
    book = RecipeBook(rt.store)
    with pytest.raises(InvalidInput, match=says):
        book.set(UPLOADS, outputs)
    assert book.all() == []


def test_a_recipe_target_is_uploads_or_an_absolute_folder(rt: Assembly) -> None:
    book = RecipeBook(rt.store)
    with pytest.raises(InvalidInput, match="absolute path"):
        book.set("relative/folder", ON_ARRIVAL)
