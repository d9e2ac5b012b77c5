"""Issue 16's use cases on a real runtime (burst mode, real DuckDB, real clips): deleting
a video leaves none of its fingerprint, duplicate pairs, recipe record or watched-file
rows; a changed watched file is probed again and fingerprinted again; watch folders
are checked when added; events are queued as deliveries; duplicates are a read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import scene_clips
from tests.webhook_receiver import Receiver
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.errors import Conflict, InvalidInput, NotFound
from vtm.watch.state import FileState, WatchEvent, WatchEventKind

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")


def state(path: Path) -> FileState:
    return FileState.of(path.stat())


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scene_clips.scenes_clip(tmp_path_factory.mktemp("clips") / "walk.mp4", 41, seconds=12)


def test_deleting_a_video_leaves_no_row_of_it(rt: Assembly, clip: Path, tmp_path: Path) -> None:
    svc, store = rt.service, rt.store
    svc.set_recipe("uploads", [{"kind": "thumbnail", "options": {"width": 64}}])
    watched = tmp_path / "watched"
    watched.mkdir()
    shutil.copy(clip, watched / "walk.mp4")
    original = svc.add_local_file(clip, "original.mp4")
    copy = svc.add_local_file(scene_clips.variant(clip, "half_size", tmp_path), "copy.mp4")
    store.save_watched_file(str(watched / "walk.mp4"), copy.id, 1, 1)
    assert rt.background.indexer is not None and rt.background.indexer.drain() == 2
    (pair,) = svc.duplicates()
    assert {pair["video_a"], pair["video_b"]} == {original.id, copy.id} and pair["similarity"] > 0.9
    assert store.recipe_applied(copy.id) and len(svc.list_jobs(video_id=copy.id)) == 1
    svc.delete_video(copy.id)
    # Counted in the tables themselves (the store's reads join videos, which would hide orphans).
    for table, column in [("fingerprints", "video_id"), ("recipe_applied", "video_id"), ("watched_files", "video_id"),
                          ("duplicate_pairs", "video_a"), ("duplicate_pairs", "video_b")]:
        assert store._read(f"SELECT count(*) FROM {table} WHERE {column} = ?", [copy.id])[0][0] == 0, table
    assert list(store.load_fingerprints()) == [original.id] and svc.duplicates() == []
    with pytest.raises(NotFound):
        svc.duplicates(video_id=copy.id)


def test_a_changed_file_is_probed_again_and_a_moved_one_followed(rt: Assembly, clip: Path, tmp_path: Path) -> None:
    svc, store = rt.service, rt.store
    folder = tmp_path / "camera"
    folder.mkdir()
    path = folder / "day.mp4"
    shutil.copy(clip, path)
    svc.handle_watch_event(WatchEvent(WatchEventKind.ADDED, str(path), state(path)))
    (video,) = svc.list_videos()
    assert video.imported and video.duration == pytest.approx(12, abs=0.2) and not video.missing
    rt.background.indexer.drain()  # type: ignore[union-attr]
    assert list(store.load_fingerprints()) == [video.id]
    # The file is replaced by a shorter, smaller one: probed again, fingerprinted again.
    scene_clips.scenes_clip(path, 42, seconds=5, width=256, height=144)
    svc.handle_watch_event(WatchEvent(WatchEventKind.CHANGED, str(path), state(path)))
    changed = svc.get_video(video.id)
    assert (changed.width, changed.height, changed.size) == (256, 144, path.stat().st_size)
    assert changed.duration == pytest.approx(5, abs=0.2)
    assert list(store.load_fingerprints()) == []
    rt.background.indexer.drain()  # type: ignore[union-attr]
    assert len(store.load_fingerprints()[video.id]) == 5
    # Gone: missing (its outputs kept); turned up under another name: followed.
    moved = folder / "renamed.mp4"
    path.rename(moved)
    svc.handle_watch_event(WatchEvent(WatchEventKind.MISSING, str(path), state(moved)))
    assert svc.get_video(video.id).missing and svc.get_video(video.id).to_dict()["missing"] is True
    svc.handle_watch_event(WatchEvent(WatchEventKind.MOVED, str(moved), state(moved), old_path=str(path)))
    followed = svc.get_video(video.id)
    assert not followed.missing and followed.path == str(moved)
    assert set(store.watched_files()) == {str(moved)}


@pytest.mark.parametrize("name", ["day.mp4", "day  one: the walk.mp4"])
def test_a_file_imported_before_a_crash_is_linked_when_it_arrives_again(rt: Assembly, clip: Path, tmp_path: Path,
                                                                         name: str) -> None:
    """The server died after importing a watched file but before recording it: when the
    watcher offers the file again it is linked to that video, not imported twice nor
    refused — also for a name that is kept as given but stored under a safer one."""
    svc, store = rt.service, rt.store
    folder = tmp_path / "camera"
    folder.mkdir()
    path = folder / name
    shutil.copy(clip, path)
    video = svc.import_file(path)  # imported, never recorded as watched (the crash)
    assert store.watched_files() == {}
    svc.handle_watch_event(WatchEvent(WatchEventKind.ADDED, str(path), state(path)))
    assert [v.id for v in svc.list_videos()] == [video.id]
    assert {p: entry[0] for p, entry in store.watched_files().items()} == {str(path): video.id}


def test_watch_folders_are_checked_when_added(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    settings = Settings(data_dir=tmp_path / "data", isolation="thread", watch=str(fixed))
    with assembly.build(settings, start_workers=False) as rt:
        svc = rt.service
        for bad, says in [("relative/path", "absolute"), (str(tmp_path / "nope"), "not a folder"),
                          (str(tmp_path / "data"), "data folder"), (str(tmp_path), "data folder"), ("", "absolute path"),
                          ("/", "system folder"), ("/proc/self", "system folder"), ("/etc", "system folder")]:
            with pytest.raises(InvalidInput, match=says):
                svc.add_watch_folder(bad)
        (tmp_path / "share").mkdir()
        svc.add_watch_folder(str(tmp_path / "share" / "."))
        with pytest.raises(Conflict):
            svc.add_watch_folder(str(tmp_path / "share"))
        assert [(f.path, f.from_settings) for f in svc.watch_folders()] == [(str(fixed), True), (str(tmp_path / "share"), False)]
        with pytest.raises(InvalidInput, match="VTM_WATCH"):
            svc.remove_watch_folder(str(fixed))
        svc.set_recipe(str(tmp_path / "share"), [{"kind": "scenes"}])
        svc.remove_watch_folder(str(tmp_path / "share"))
        with pytest.raises(NotFound):
            svc.remove_watch_folder(str(tmp_path / "share"))
        assert [f.path for f in svc.watch_folders()] == [str(fixed)] and svc.recipes() == []


def test_events_become_deliveries_for_the_endpoints_that_chose_them(rt: Assembly, clip: Path) -> None:
    receiver = Receiver().start()
    try:
        svc = rt.service
        with pytest.raises(InvalidInput, match="private"):
            svc.add_webhook(f"{receiver.url}/ok", ["video.added"])
    finally:
        receiver.stop()
    settings = Settings(data_dir=rt.settings.data_dir.parent / "other", isolation="thread", webhooks_allow_private=True)
    with assembly.build(settings, start_workers=False) as other:
        svc = other.service
        videos = svc.add_webhook("http://127.0.0.1:9/videos", ["video.added", "video.deleted"])
        jobs = svc.add_webhook("http://127.0.0.1:9/jobs", ["job.completed", "job.failed"])
        assert videos.secret.startswith("whsec_") and all("secret" not in w.to_dict() for w in svc.list_webhooks())
        video = svc.add_local_file(clip)
        job = svc.request_thumbnail(video.id, 64, 0)
        other.workers.drain()
        svc.delete_video(video.id)
        assert [d.type for d in reversed(svc.webhook_deliveries(videos.id))] == ["video.added", "video.deleted"]
        (done,) = svc.webhook_deliveries(jobs.id)
        assert done.type == "job.completed" and f'"id":{job.id}' in done.payload and '"output_url"' in done.payload
        svc.send_test_webhook(jobs.id)
        assert svc.webhook_deliveries(jobs.id)[0].type == "webhook.test"
        svc.delete_webhook(jobs.id)
        with pytest.raises(NotFound):
            svc.webhook_deliveries(jobs.id)
