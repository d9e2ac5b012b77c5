"""Use cases of videos: uploads, listing, one video, its poster, deleting it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from vtm import disk, kinds, parsing
from vtm.errors import Conflict, InvalidInput, Unsupported
from vtm.files import VIDEO_EXTENSIONS, Received, Receiver, given_name, receive_file, remove_tree, stored_filename
from vtm.models import VIDEO_SORTS, JobStatus, Video
from vtm.service.arrivals import Arrivals
from vtm.service.posters import Posters

log = logging.getLogger(__name__)


class Videos(Posters, Arrivals):
    @property
    def accepted_extensions(self) -> tuple[str, ...]:
        """The file name endings VTM takes as videos (uploads, imports, the CLI)."""
        return VIDEO_EXTENSIONS

    def check_name_free(self, filename: str) -> str:
        """`filename` as given (vtm.files.given_name), or Conflict when a video already has it."""
        name = given_name(filename)
        if self._store.find_video_by_name(name) is not None:
            raise Conflict(f"A video named {name!r} already exists; rename the file or delete the old one first.",
                           code="duplicate_name")
        return name

    def check_room(self, size: int) -> None:
        """DiskFull now, before any byte is read, when `size` bytes would not fit."""
        disk.require_room(self._data.root, size, "The upload")

    def open_upload(self) -> Receiver:
        """Where an upload's bytes go as they arrive (data/tmp), refused past VTM_MAX_UPLOAD_MB."""
        return Receiver(self._data.tmp, self._settings.max_upload_bytes)

    def add_upload(self, received: Received, filename: str) -> Video:
        """Accept an upload already streamed to data/tmp: check its name, probe it, move it
        into place and record it. On any refusal the temporary file is removed and no row
        is written."""
        folder: Path | None = None
        try:
            name = self.check_name_free(filename)
            if received.size == 0:
                raise Unsupported(f"{name}: the file is empty (0 bytes).", code="empty_file")
            video_id = self._new_video_id()
            folder = self._data.video_dir(video_id)
            final = self._data.upload_path(video_id, stored_filename(name))  # kept as given in the row only
            with disk.full_as_error(self._data.root):
                final.parent.mkdir(parents=True)
            info = self._inspect(name, received.path, self._data.poster_path(video_id))
            os.replace(received.path, final)
            video = self._store.add_video(id=video_id, filename=name, path=self._data.relative(final), size=received.size,
                                          sha256=received.sha256, thumbhash=self._poster_hash(video_id), **info.columns())
        except BaseException:
            received.path.unlink(missing_ok=True)
            if folder is not None:
                remove_tree(folder)
            raise
        log.info("video %s: added %s (%dx%d, %s s, %s)", video.id, name, info.width, info.height, info.duration, info.codec)
        self._arrived(video)
        return video

    def add_local_file(self, source: Path, filename: str | None = None) -> Video:
        """Add a file from this machine (the CLI, the sample clips) by copying it in."""
        received = receive_file(source, self._data.tmp, self._settings.max_upload_bytes)
        return self.add_upload(received, filename or source.name)

    def list_videos(self, search: str = "", sort: str = "newest") -> list[Video]:
        if sort not in VIDEO_SORTS:
            raise InvalidInput(f"sort={parsing.shown(sort)}: use one of {', '.join(VIDEO_SORTS)}.")
        return self._hashed(self._store.list_videos(search=search, sort=sort))

    def get_video(self, video_id: int) -> Video:
        return self._hashed([self._store.get_video(video_id)])[0]

    def poster_path(self, video: Video) -> Path | None:
        path = self._data.poster_path(video.id)
        return path if path.is_file() else None

    def delete_video(self, video_id: int) -> Video:
        """Remove a video, its jobs and every file made from it. The rows go first, in one
        transaction: from then on every request for the video is a 404 and no job of it
        can be added; its running jobs are cancelled (what they write is removed). The
        `video.deleted` event is written next, before anything else: a kill -9 from then on
        does not lose it."""
        video, jobs = self._store.delete_video(video_id)
        self._left(video)
        self._workers.cancel([job.id for job in jobs if job.status is JobStatus.RUNNING])
        for job in jobs:
            kinds.get(job.kind).remove_output(self._data, job.id, job.video_id, job.options)
        if not video.imported:
            self._data.discard_folder(self._data.video_dir(video.id), video.id)
        else:
            self._data.poster_path(video.id).unlink(missing_ok=True)
            self._data.poster_choice_path(video.id).unlink(missing_ok=True)
        log.info("video %s: deleted with %d job(s)", video.id, len(jobs))
        return video
