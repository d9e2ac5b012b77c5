"""Names users choose never share a namespace with the files VTM names: an upload may be
called like any file or folder VTM writes (`poster.jpg`, `source`, `vtm.duckdb`,
`sheet.jpg`, ...) and nothing of VTM's, nor of another video, is overwritten. Data
folders from before `source/` are moved into it on start."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import cv2
import pytest
from streamlit.testing.v1 import AppTest

from vtm import assembly, files
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.models import JobKind, JobStatus

ROOT = Path(__file__).resolve().parent.parent


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def every_name_vtm_writes(rt: Assembly, video_path: Path) -> set[str]:
    """Make one output of every kind and collect the name of every file and folder VTM
    wrote, plus the names it declares (database, lock, temporary prefixes)."""
    video = rt.service.add_local_file(video_path, "first.mp4")
    rt.service.request_thumbnail(video.id, 64, 0)
    for kind, options in ((JobKind.SHEET, {"columns": 2, "rows": 1}), (JobKind.STORYBOARD, {"every": 1}),
                          (JobKind.PREVIEW, {"moments": 1}), (JobKind.SCENES, {})):
        rt.service.request_output(video.id, kind, options)
    rt.workers.drain()
    names = {p.name for p in rt.data.root.rglob("*")} - {"first.mp4"}
    declared = [getattr(files, n, ()) for n in ("POSTER_NAME", "SOURCE_FOLDER", "QUARANTINE", "SUBFOLDERS", "DATABASE_FILES")]
    names |= {n for d in declared for n in ([d] if isinstance(d, str) else d)}
    return names | {"poster.jpg", "source", "vtm.duckdb.wal", "upload-1.part", ".poster.jpg.x1.part", "data"}


def test_an_upload_may_take_the_name_of_any_file_vtm_writes(tmp_path: Path, videos: dict[str, Path]) -> None:
    rt = assembly.build(Settings(data_dir=tmp_path / "data", workers=1, isolation="thread"), start_workers=False).install()
    try:
        names = every_name_vtm_writes(rt, videos["landscape"])
        assert {"poster.jpg", "source", "sheet.jpg", "storyboard.vtt", "scenes.json", "preview.webp"} <= names
        before = {p: sha(p) for p in rt.data.root.rglob("*") if p.is_file() and not p.name.startswith("vtm.")}
        added = {}
        for name in sorted(names):
            source = videos["portrait" if len(added) % 2 else "wide"]
            video = rt.service.add_local_file(source, name)
            added[video.id] = (video, source)
        for video, source in added.values():
            assert sha(rt.data.absolute(video.path)) == sha(source), f"{video.filename}: the upload was overwritten"
            poster = rt.data.video_dir(video.id) / "poster.jpg"
            picture = cv2.imread(str(poster))
            assert picture is not None and picture.shape[1] == 480, f"{video.filename}: no poster frame"
            assert sha(poster) != sha(source)
        unchanged = {p: sha(p) for p in before if p.exists()}
        assert unchanged == before, "an upload overwrote a file VTM had written"
        jobs = {vid: rt.service.request_thumbnail(vid, 72, 0) for vid in added}
        rt.workers.drain()
        for vid, job in jobs.items():
            done = rt.store.get_job(job.id)
            assert done.status is JobStatus.COMPLETED, (added[vid][0].filename, done.error)
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.switch_page("pages/library.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        print(f"\n{len(names)} names VTM writes, each used as an upload's name: nothing overwritten")
        for vid in list(added)[::3]:
            rt.service.delete_video(vid)
            assert not rt.data.video_dir(vid).exists()
        for video, source in list(added.values())[1::3]:
            assert sha(rt.data.absolute(video.path)) == sha(source)
    finally:
        rt.close()


def old_layout(rt: Assembly, video_id: int) -> None:
    """Put a video back as VTM wrote it before source/: the upload beside the poster."""
    video = rt.store.get_video(video_id)
    upload = rt.data.absolute(video.path)
    old = rt.data.video_dir(video_id) / upload.name
    parked = rt.data.root / "parked"
    shutil.move(upload, parked)
    upload.parent.rmdir()
    shutil.move(parked, old)
    rt.store.set_video_path(video_id, rt.data.relative(old))


@pytest.mark.parametrize("name", ["clip.mp4", "source", "poster.jpg"])
def test_folders_from_before_source_are_moved_into_it_on_start(tmp_path: Path, videos: dict[str, Path], name: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=1, isolation="thread")
    rt = assembly.build(settings, start_workers=False)
    video = rt.service.add_local_file(videos["landscape"], name)
    old_layout(rt, video.id)
    if name == "poster.jpg":  # as the old code left it: the upload had overwritten its poster
        assert sha(rt.data.poster_path(video.id)) == sha(videos["landscape"])
    rt.close()
    rt = assembly.build(settings, start_workers=False)
    try:
        moved = rt.store.get_video(video.id)
        assert moved.path == f"videos/{video.id}/source/{name}"
        assert sha(rt.data.absolute(moved.path)) == sha(videos["landscape"])
        if name == "poster.jpg":
            assert rt.service.poster_path(moved) is None, "the lost poster is not the video"
        else:
            assert rt.service.poster_path(moved) is not None
        job = rt.service.request_thumbnail(video.id, 64, 0)
        rt.workers.drain()
        assert rt.store.get_job(job.id).status is JobStatus.COMPLETED
    finally:
        rt.close()
