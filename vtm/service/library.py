"""Use cases that fill the library from this machine: import by reference, the demo clips."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from vtm import disk
from vtm.errors import BadRequest, Conflict, InvalidInput, NotFound, TooLarge, Unsupported
from vtm.files import VIDEO_EXTENSIONS, given_name, remove_tree, sha256_of
from vtm.models import Video
from vtm.service.videos import Videos

log = logging.getLogger(__name__)
Imported = tuple[Path, Video | None, str | None]  # (file, its video or None, why it was not added)


class Library(Videos):
    def import_file(self, source: Path) -> Video:
        """Add a local video by reference: the row points at the file where it is
        (`imported=True`), nothing is copied; deleting the video leaves the file alone.
        The `uploads` recipe is applied to it."""
        video = self._import_file(source)
        self._arrived(video)
        return video

    def _imported_as(self, source: Path) -> Video | None:
        """The video that already refers to this very file, if one does."""
        source = Path(source).resolve()
        existing = self._store.find_video_by_name(given_name(source.name))
        return existing if existing is not None and existing.path == str(source) else None

    def _import_file(self, source: Path) -> Video:
        source = Path(source).resolve()
        existing = self._imported_as(source)
        if existing is not None:
            raise Conflict(f"{existing.filename} is already in the library (video {existing.id}).", code="already_imported")
        name = self.check_name_free(source.name)
        size = source.stat().st_size
        if size == 0:
            raise Unsupported(f"{name}: the file is empty (0 bytes).", code="empty_file")
        video_id = self._new_video_id()
        folder = self._data.video_dir(video_id)
        try:
            folder.mkdir(parents=True)
            info = self._inspect(name, source, self._data.poster_path(video_id))
            video = self._store.add_video(id=video_id, filename=name, path=str(source), size=size,
                                          sha256=sha256_of(source), imported=True, thumbhash=self._poster_hash(video_id),
                                          **info.columns())
        except BaseException:
            remove_tree(folder)
            raise
        log.info("video %s: imported %s by reference (%s)", video.id, name, source)
        return video

    def import_folder(self, folder: Path, progress: Callable[[float], None] | None = None) -> list[Imported]:
        """Import every video file under `folder` (by extension, recursively, sorted).
        Returns (path, video or None, reason it was not added or None) per file; a file
        already in the library under its name is reported, not added twice."""
        folder = Path(folder)
        if not folder.is_dir():
            raise NotFound(f"{folder} is not a folder.")
        paths = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS)
        results: list[Imported] = []
        for n, path in enumerate(paths):
            try:
                results.append((path, self.import_file(path), None))
            except (Conflict, Unsupported, TooLarge, BadRequest, InvalidInput) as exc:
                results.append((path, None, exc.message))
            except OSError as exc:
                results.append((path, None, f"{path.name}: {exc.strerror or exc}"))
            if progress:
                progress((n + 1) / len(paths))
        return results

    def add_sample_videos(self) -> list[Video]:
        """Generate the demo clips and add those not in the library yet."""
        from vtm.media.samples import SAMPLES, make_samples

        folder = self._data.samples
        added = []
        try:
            with disk.full_as_error(self._data.tmp, "while making the sample videos"):
                for path in make_samples(folder):
                    if path.name in SAMPLES and self._store.find_video_by_name(path.name) is None:
                        added.append(self.add_local_file(path))
        finally:
            remove_tree(folder)
        return added
