"""Watch folders with real files: a copy written slowly in chunks is reported once, whole,
a few seconds after it ends (inotify and polling); deleted, moved, changed and restored
files are reported; a restart catches up with what changed while down (state kept in
a real DuckDB file); an unmounted folder marks nothing missing."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vtm.errors import Unsupported
from vtm.store import Store
from vtm.watch.state import FileState, Known, WatchEvent, WatchEventKind
from vtm.watch.watcher import FolderWatcher

CHUNK = 64 * 1024
ADDED, CHANGED, MISSING, MOVED, RESTORED = (WatchEventKind.ADDED, WatchEventKind.CHANGED, WatchEventKind.MISSING,
                                            WatchEventKind.MOVED, WatchEventKind.RESTORED)


class Recorder:
    """Records events with the time and the file's size when each arrived; refuses names
    starting with "bad"."""

    def __init__(self) -> None:
        self.events: list[tuple[float, WatchEvent, int | None]] = []
        self.arrived = threading.Condition()

    def __call__(self, event: WatchEvent) -> None:
        if os.path.basename(event.path).startswith("bad"):
            raise Unsupported(f"{event.path} is not a video VTM can read.")
        size = os.path.getsize(event.path) if os.path.exists(event.path) else None
        with self.arrived:
            self.events.append((time.monotonic(), event, size))
            self.arrived.notify_all()

    def kinds(self) -> list[tuple[WatchEventKind, str]]:
        return [(e.kind, os.path.basename(e.path)) for _, e, _ in self.events]

    def wait(self, count: int, timeout: float = 15.0) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.events) >= count, timeout), self.kinds()


def copy_slowly(path: Path, chunks: int = 12, pause: float = 0.25, long_pause_at: int = 6, long_pause: float = 0.7) -> float:
    """Write a file in chunks with pauses (as a slow network copy does); returns when it ended."""
    with open(path, "wb") as out:
        for n in range(chunks):
            if n:
                time.sleep(long_pause if n == long_pause_at else pause)
            out.write(os.urandom(CHUNK))
            out.flush()
    return time.monotonic()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "incoming"
    path.mkdir()
    return path


@pytest.mark.parametrize("polling", [False, True], ids=["events", "polling"])
def test_a_slow_copy_is_reported_once_whole_after_it_ends(folder: Path, polling: bool) -> None:
    recorder = Recorder()
    watcher = FolderWatcher([folder], recorder, {}, stable_s=1.0, force_polling=polling, poll_ms=200)
    watcher.start()
    try:
        assert watcher.caught_up.wait(5)
        ended = copy_slowly(folder / "match.mp4")
        recorder.wait(1)
        time.sleep(1.5)  # nothing more comes
    finally:
        watcher.stop()
    ((at, event, size_then),) = recorder.events
    assert event.kind is ADDED and event.path == str(folder / "match.mp4")
    assert event.state == FileState(12 * CHUNK, os.stat(event.path).st_mtime_ns) and size_then == 12 * CHUNK
    delay = at - ended
    print(f"\nimport delay after the copy ended ({'polling 200 ms' if polling else 'inotify'}, stable 1 s): {delay:.2f} s")
    assert 1.0 <= delay < 10.0  # loose: a loaded 2-core machine


def test_missing_moved_changed_restored(folder: Path) -> None:
    clock = [0.0]
    recorder = Recorder()
    watcher = FolderWatcher([folder], recorder, {}, stable_s=3.0, clock=lambda: clock[0])

    def settle() -> None:
        watcher.scan()
        clock[0] += 3.0
        watcher.tick()

    (folder / "a.mp4").write_bytes(b"a" * 100)
    (folder / "sub").mkdir()
    (folder / "sub" / "b.MOV").write_bytes(b"b" * 200)
    for ignored in (".hidden.mp4", "c.mp4.part", "notes.txt", "d.mkv.crdownload"):
        (folder / ignored).write_bytes(b"x")
    watcher.scan()
    clock[0] += 2.9
    watcher.tick()
    assert recorder.events == []  # not settled yet
    clock[0] += 0.1
    watcher.tick()
    assert sorted(recorder.kinds()) == [(ADDED, "a.mp4"), (ADDED, "b.MOV")]
    recorder.events.clear()

    (folder / "a.mp4").rename(folder / "renamed.mp4")
    settle()
    assert recorder.kinds() == [(MISSING, "a.mp4"), (MOVED, "renamed.mp4")]
    assert recorder.events[1][1].old_path == str(folder / "a.mp4")
    recorder.events.clear()

    with open(folder / "renamed.mp4", "ab") as out:
        out.write(b"more")
    settle()
    assert recorder.kinds() == [(CHANGED, "renamed.mp4")]
    recorder.events.clear()

    kept = (folder / "sub" / "b.MOV").read_bytes(), os.stat(folder / "sub" / "b.MOV")
    (folder / "sub" / "b.MOV").unlink()
    settle()
    assert recorder.kinds() == [(MISSING, "b.MOV")]
    (folder / "sub" / "b.MOV").write_bytes(kept[0])
    os.utime(folder / "sub" / "b.MOV", ns=(kept[1].st_atime_ns, kept[1].st_mtime_ns))
    settle()
    assert recorder.kinds() == [(MISSING, "b.MOV"), (RESTORED, "b.MOV")]


def test_a_refused_file_is_offered_again_only_when_it_changes(folder: Path) -> None:
    clock = [0.0]
    recorder = Recorder()
    watcher = FolderWatcher([folder], recorder, {}, stable_s=1.0, clock=lambda: clock[0])
    (folder / "bad.mp4").write_bytes(b"not a video")
    for _ in range(3):
        watcher.scan()
        clock[0] += 1.0
        watcher.tick()
    assert recorder.events == []
    (folder / "bad.mp4").rename(folder / "good.mp4")
    watcher.scan()
    clock[0] += 1.0
    watcher.tick()
    assert recorder.kinds() == [(ADDED, "good.mp4")]


def test_an_unmounted_folder_marks_nothing_missing(tmp_path: Path, folder: Path) -> None:
    (folder / "a.mp4").write_bytes(b"a")
    known = {str(folder / "a.mp4"): Known(FileState.of(os.stat(folder / "a.mp4")))}
    recorder = Recorder()
    watcher = FolderWatcher([folder], recorder, known, stable_s=1.0)
    folder.rename(tmp_path / "elsewhere")  # the share went away
    watcher.scan()
    assert recorder.events == []
    (tmp_path / "elsewhere").rename(folder)
    watcher.scan()
    assert recorder.events == []  # back, unchanged: nothing to report


class Ledger:
    """The service's side, reduced to what the watcher needs: `watched_files` rows."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.recorder = Recorder()

    def __call__(self, event: WatchEvent) -> None:
        self.recorder(event)
        assert event.state is not None
        if event.kind is WatchEventKind.MISSING:
            self.store.mark_watched_missing(event.path)
        elif event.kind is WatchEventKind.MOVED:
            assert event.old_path is not None
            self.store.move_watched_file(event.old_path, event.path)
            self.store.save_watched_file(event.path, None, event.state.size, event.state.mtime_ns)
        else:
            self.store.save_watched_file(event.path, None, event.state.size, event.state.mtime_ns)

    def known(self) -> dict[str, Known]:
        return {p: Known(FileState(size, mtime), missing) for p, (_, size, mtime, missing) in self.store.watched_files().items()}


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    base = Store(tmp_path / "data" / "vtm.duckdb")
    yield Ledger(base)
    base.close()


def test_a_restart_catches_up_with_changes_made_while_down(folder: Path, ledger: Ledger) -> None:
    for name in ("keep.mp4", "delete.mp4", "change.mp4", "move.mp4"):
        (folder / name).write_bytes(name.encode() * 100)
    first = FolderWatcher([folder], ledger, ledger.known(), stable_s=0.5)
    first.start()
    try:
        ledger.recorder.wait(4)
    finally:
        first.stop()
    assert sorted(k for k, _ in ledger.recorder.kinds()) == [ADDED] * 4
    # While the server is down:
    (folder / "delete.mp4").unlink()
    with open(folder / "change.mp4", "ab") as out:
        out.write(b"edited")
    (folder / "move.mp4").rename(folder / "moved.mp4")
    (folder / "new.mp4").write_bytes(b"new" * 10)
    ledger.recorder.events.clear()
    second = FolderWatcher([folder], ledger, ledger.known(), stable_s=0.5)
    second.start()
    try:
        ledger.recorder.wait(5)
        time.sleep(1.0)
    finally:
        second.stop()
    assert sorted(ledger.recorder.kinds()) == sorted([(MISSING, "delete.mp4"), (CHANGED, "change.mp4"), (MISSING, "move.mp4"),
                                                      (MOVED, "moved.mp4"), (ADDED, "new.mp4")])
    rows = ledger.store.watched_files()
    assert rows[str(folder / "delete.mp4")][3] is True and str(folder / "move.mp4") not in rows
    assert rows[str(folder / "moved.mp4")][3] is False
