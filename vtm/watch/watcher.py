"""The watch-folder thread.

On start it compares each folder with what the library knows (a catch-up scan: files
added, changed, moved or deleted while the server was down), then follows change
events from `watchfiles` — inotify on Linux, or polling every `poll_ms` where events do
not arrive (network mounts: `force_polling`). Every event only *notes* a file; a timer
tick (twice a second) reports the files that have settled (`settle.py`). A full rescan
every `rescan_s` catches events a full queue dropped.

Reports go to `handle(event)` — the service imports, re-probes or marks videos missing
there — and the watcher's own picture of the folder is updated only when `handle`
returns. A file `handle` refuses (not a video, a name taken) is not offered again until
it changes. A folder that is gone or unreadable (an unmounted share) marks nothing
missing: its files are only out of reach.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import watchfiles

from vtm.errors import VtmError
from vtm.files import VIDEO_EXTENSIONS
from vtm.watch.settle import Settling
from vtm.watch.state import FileState, Known, WatchEvent, WatchEventKind

log = logging.getLogger(__name__)

TICK_MS = 500
PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", "~")

Handler = Callable[[WatchEvent], None]


def watchable(path: str) -> bool:
    """A video by its extension, not hidden, not a download or copy in progress."""
    name = os.path.basename(path)
    lower = name.lower()
    return not name.startswith(".") and lower.endswith(VIDEO_EXTENSIONS) and not lower.endswith(PARTIAL_SUFFIXES)


class FolderWatcher:
    def __init__(self, folders: list[Path], handle: Handler, known: Mapping[str, Known], *, stable_s: float = 3.0,
                 force_polling: bool = False, poll_ms: int = 1000, rescan_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folders = [Path(f).resolve() for f in folders]
        self._handle = handle
        self._known: dict[str, Known] = dict(known)
        self._refused: dict[str, FileState] = {}
        self._settling = Settling(stable_s)
        self._polling = force_polling
        self._poll_ms = poll_ms
        self._rescan_s = rescan_s
        self._clock = clock
        self._stop = threading.Event()
        self.caught_up = threading.Event()
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------
    def start(self) -> None:
        logging.getLogger("watchfiles").setLevel(logging.WARNING)  # it logs every change at INFO
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vtm-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        self.scan()
        self.caught_up.set()
        last_scan = self._clock()
        while not self._stop.is_set():
            present = [f for f in self.folders if f.is_dir()]
            if not present:
                self._stop.wait(TICK_MS / 1000)
                self.tick()
                continue
            try:
                for changes in watchfiles.watch(*present, watch_filter=lambda _c, p: watchable(p), debounce=200, step=50,
                                                stop_event=self._stop, rust_timeout=TICK_MS, yield_on_timeout=True,
                                                force_polling=self._polling, poll_delay_ms=self._poll_ms, raise_interrupt=False):
                    self.note_changes(changes)
                    self.tick()
                    if self._rescan_s and self._clock() - last_scan >= self._rescan_s:
                        self.scan()
                        last_scan = self._clock()
            except (OSError, RuntimeError) as exc:  # a folder vanished or the OS watcher failed: start over
                log.warning("watch: %s; watching again in 1 s", exc)
                self._stop.wait(1.0)

    # -- what happened ------------------------------------------------------------------
    def note_changes(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        at = self._clock()
        for change, path in changes:
            if change is watchfiles.Change.deleted:
                self._gone(path)
            else:
                self._look(path, at)

    def scan(self) -> None:
        """Compare the folders with what is known: note every video file there, report
        known files that are gone (in folders that are there and readable)."""
        at = self._clock()
        seen: set[str] = set()
        for folder in self.folders:
            try:
                paths = list(_walk(folder))
            except OSError as exc:
                log.warning("watch: cannot read %s (%s); its files are not marked missing", folder, exc)
                continue
            for path in paths:
                seen.add(path)
                self._look(path, at)
            for path, known in list(self._known.items()):
                if not known.missing and path not in seen and _inside(path, folder):
                    self._gone(path)
        self.tick()

    def tick(self) -> None:
        """Look again at files that are settling; report those that have settled."""
        at = self._clock()
        for path in self._settling.paths():
            self._look(path, at)
        for path, state in self._settling.ready(at):
            self._settled(path, state)

    def _look(self, path: str, at: float) -> None:
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            self._gone(path)
            return
        except OSError:
            return
        state = FileState.of(stat)
        known = self._known.get(path)
        if (known is not None and not known.missing and known.state == state) or self._refused.get(path) == state:
            self._settling.forget(path)
            return
        self._settling.observe(path, state, at)

    def _gone(self, path: str) -> None:
        self._settling.forget(path)
        self._refused.pop(path, None)
        known = self._known.get(path)
        if known is not None and not known.missing:
            if self._report(WatchEvent(WatchEventKind.MISSING, path, known.state)):
                self._known[path] = Known(known.state, missing=True)

    def _settled(self, path: str, state: FileState) -> None:
        known = self._known.get(path)
        if known is not None:
            kind = WatchEventKind.RESTORED if known.missing and known.state == state else WatchEventKind.CHANGED
            event = WatchEvent(kind, path, state)
        else:
            twin = next((p for p, k in self._known.items() if k.missing and k.state == state), None)
            event = WatchEvent(WatchEventKind.MOVED, path, state, twin) if twin else WatchEvent(WatchEventKind.ADDED, path, state)
        if self._report(event):
            if event.old_path:
                self._known.pop(event.old_path, None)
            self._known[path] = Known(state)
            self._refused.pop(path, None)
        else:
            self._refused[path] = state

    def _report(self, event: WatchEvent) -> bool:
        try:
            self._handle(event)
            return True
        except (VtmError, OSError) as exc:
            log.warning("watch: %s %s refused: %s", event.kind, event.path, getattr(exc, "message", exc))
        except Exception:
            log.exception("watch: %s %s failed; it is offered again when it changes", event.kind, event.path)
        return False


def _walk(folder: Path) -> Iterator[str]:
    if not folder.is_dir():
        raise OSError(f"{folder} is not a folder (not mounted?)")
    for root, dirs, files in os.walk(folder, onerror=_raise):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = os.path.join(root, name)
            if watchable(path):
                yield path


def _raise(error: OSError) -> None:
    raise error


def _inside(path: str, folder: Path) -> bool:
    return path == str(folder) or path.startswith(str(folder) + os.sep)
