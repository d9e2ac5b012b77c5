"""Use cases of watch folders: which folders are watched (VTM_WATCH's and those added on
the Settings page), and what a change in one does to the library.

    added     imported by reference; the folder's recipe applied; `video.added`
    changed   probed again (new size, checksum, poster, facts); fingerprinted again
    missing   the video is marked missing (`"missing": true`); its outputs are kept
    moved     the video follows its file (missing no more)
    restored  the file is back unchanged: missing no more
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from vtm.errors import Conflict, InvalidInput, NotFound
from vtm.files import sha256_of
from vtm.recipes import UPLOADS, RecipeBook, target_for
from vtm.service.library import Library
from vtm.watch.state import WatchEvent, WatchEventKind

log = logging.getLogger(__name__)
MAX_FOLDERS = 50
SYSTEM_FOLDERS = tuple(Path(p) for p in ("/proc", "/sys", "/dev", "/etc", "/boot"))


@dataclass(frozen=True)
class WatchFolder:
    path: str
    from_settings: bool  # listed in VTM_WATCH (changed there, not on the page)
    present: bool  # a readable folder right now (an unmounted share is not)


class Watching(Library):
    def watch_folders(self) -> list[WatchFolder]:
        fixed = {str(p) for p in self._fixed_folders()}
        return [WatchFolder(str(p), str(p) in fixed, p.is_dir()) for p in self.watched_paths()]

    def watched_paths(self) -> list[Path]:
        paths = [*self._fixed_folders(), *(Path(p) for p in self._store.watch_folders())]
        return list(dict.fromkeys(paths))

    def _fixed_folders(self) -> list[Path]:
        return [p.resolve() for p in self._settings.watch_folders]

    def add_watch_folder(self, path: str) -> WatchFolder:
        """Watch a folder of this machine (an absolute path to an existing folder, outside
        the data folder); its videos present now are imported too."""
        folder = self._check_folder(path)
        if folder in self.watched_paths():
            raise Conflict(f"{folder} is already watched.", code="already_watched")
        if len(self.watched_paths()) >= MAX_FOLDERS:
            raise Conflict(f"At most {MAX_FOLDERS} folders can be watched; remove one first.", code="too_many_folders")
        self._store.add_watch_folder(str(folder))
        log.info("watch: %s added", folder)
        if self._background is not None:
            self._background.watch_again()
        return WatchFolder(str(folder), False, True)

    def remove_watch_folder(self, path: str) -> str:
        """Stop watching a folder added on the Settings page (with its recipe). Its videos
        stay in the library."""
        folder = Path(str(path)).resolve() if str(path).startswith("/") else None
        if folder is not None and folder in self._fixed_folders():
            raise InvalidInput(f"{folder} is watched because VTM_WATCH lists it; change that setting to stop.")
        if folder is None or not self._store.remove_watch_folder(str(folder)):
            raise NotFound(f"{str(path)[:200]} is not a watched folder.")
        RecipeBook(self._store).remove(str(folder))
        log.info("watch: %s removed", folder)
        if self._background is not None:
            self._background.watch_again()
        return str(folder)

    def _check_folder(self, path: str) -> Path:
        if not isinstance(path, str) or not path.strip():
            raise InvalidInput("Give the absolute path of a folder on the server, such as /mnt/videos.")
        if not path.startswith("/") or "\x00" in path or len(path) > 1024:
            raise InvalidInput(f"{path[:200]!r} is not an absolute path; give one such as /mnt/videos.")
        folder = Path(path).resolve()
        if not folder.is_dir():
            raise InvalidInput(f"{folder} is not a folder on the server (not mounted?).")
        if folder == Path("/") or any(folder.is_relative_to(system) for system in SYSTEM_FOLDERS):
            raise InvalidInput(f"{folder} is a system folder; watch a folder of videos, such as /mnt/videos.")
        data = self._data.root.resolve()
        if folder == data or folder.is_relative_to(data) or data.is_relative_to(folder):
            raise InvalidInput(f"{folder} holds or is inside VTM's data folder {data}; VTM would import its own outputs.")
        return folder

    # -- what the watcher reports ----------------------------------------------------------
    def handle_watch_event(self, event: WatchEvent) -> None:
        """Bring the library in line with one change in a watched folder; an error refuses
        the file (the watcher offers it again when it changes)."""
        path, state = Path(event.path), event.state
        known = self._store.watched_file(event.path)
        video_id = known[0] if known else None
        if event.kind is WatchEventKind.MISSING:
            self._store.mark_watched_missing(event.path)
            if video_id is not None:
                self._store.set_video_missing(video_id, True)
                log.info("video %s: its file %s is missing", video_id, path)
            return
        assert state is not None
        if event.kind is WatchEventKind.MOVED and event.old_path:
            moved = self._store.watched_file(event.old_path)
            self._store.move_watched_file(event.old_path, event.path)
            if moved and moved[0] is not None:
                self._store.set_video_missing(moved[0], False, path=str(path))
                log.info("video %s: its file moved to %s", moved[0], path)
            return
        if event.kind is WatchEventKind.RESTORED and video_id is not None:
            self._store.save_watched_file(event.path, video_id, state.size, state.mtime_ns)
            self._store.set_video_missing(video_id, False)
            log.info("video %s: its file %s is back", video_id, path)
            return
        if video_id is not None:  # changed (or restored with other contents)
            self._probe_again(video_id, path)
            self._store.save_watched_file(event.path, video_id, state.size, state.mtime_ns)
            return
        self._watched_arrival(path, state.size, state.mtime_ns)

    def _watched_arrival(self, path: Path, size: int, mtime_ns: int) -> None:
        target = target_for(path, self.watched_paths()) or UPLOADS
        try:
            video = self._import_file(path)
        except Conflict as exc:
            existing = self._imported_as(path)  # found as _import_file found it (by the name as given)
            if exc.code != "already_imported" or existing is None:
                raise
            # Imported before a crash let it be recorded: link it, finish its recipe.
            self._apply_recipe(existing, target)
            self._store.save_watched_file(str(path), existing.id, size, mtime_ns)
            return
        # The recipe before the record: a crash in between imports nothing twice (the
        # file is linked as above) and still applies the recipe.
        self._apply_recipe(video, target)
        self._store.save_watched_file(str(path), video.id, size, mtime_ns)
        self._announce(video)

    def _probe_again(self, video_id: int, path: Path) -> None:
        video = self._store.get_video(video_id)
        info = self._inspect(video.filename, path, self._data.poster_path(video_id))
        self._store.update_video_file(video_id, path=str(path), size=path.stat().st_size, sha256=sha256_of(path),
                                      missing=False, **info.columns())
        self._store.delete_fingerprint(video_id)
        if self._background is not None:
            self._background.index(video_id)
        log.info("video %s: %s changed; probed again (%dx%d, %s s)", video_id, path, info.width, info.height, info.duration)
