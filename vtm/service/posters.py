"""Use cases of a video's poster: choosing it (a time, a percentage, `auto`, or the
file's cover art), serving it at a width, and its ThumbHash placeholder.

The poster is written by a decoder process (the `ingest` executor), up to 1280 px wide,
over the upload's automatic one; the row keeps what was asked (`poster_pick`), the
time it resolved to (`poster_at`) and the poster's ThumbHash. Videos whose hash is
missing (added by an older version) get it lazily, a few per read, or all at once with
`vtm doctor --repair`."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vtm import disk, parsing
from vtm.errors import InvalidInput, NotFound, VtmError
from vtm.executors.base import CallFailed, Interrupted
from vtm.files import write_atomic
from vtm.kinds.moment import parse_moment
from vtm.models import Video
from vtm.service.base import ServiceBase

if TYPE_CHECKING:
    from vtm.files import DataDir
    from vtm.store import Store

log = logging.getLogger(__name__)
POSTER_TIMEOUT_S = 120.0
LAZY_HASHES = 16  # posters hashed per read of videos at most (a few ms each)
POSTER_FORMATS = ("jpg", "webp")
COVER = "cover"


def hash_missing(data: DataDir, store: Store, videos: list[Video], limit: int | None = LAZY_HASHES) -> list[Video]:
    """`videos` with the ThumbHash of their poster filled in where it was missing (up to
    `limit` of them), saved as they are computed. A poster that cannot be read, or a
    full disk, leaves the hash missing."""
    from vtm.media.poster import hash_of

    out, done = [], 0
    for video in videos:
        poster = data.poster_path(video.id)
        if video.thumbhash is None and (limit is None or done < limit) and poster.is_file():
            done += 1
            try:
                value = hash_of(poster)
                store.set_thumbhash(video.id, value)
                video = Video(**{**video.__dict__, "thumbhash": value})
            except (VtmError, OSError) as exc:
                log.info("video %s: no ThumbHash of its poster yet (%s)", video.id, exc)
        out.append(video)
    return out


class Posters(ServiceBase):
    def set_poster(self, video_id: int, at: object) -> Video:
        """Choose the poster: `12.5` (seconds), `40%`, `auto` (the best frame) or `cover`
        (the file's attached picture). Returns the video with `poster_at` resolved."""
        from vtm.media.poster import make_poster

        video = self._store.get_video(video_id)
        text = parsing.text("at", at).strip().lower() if at is not None else ""
        if not text:
            raise InvalidInput('Say which poster: {"at": "12.5"} (seconds), "40%", "auto" or "cover".')
        cover = text == COVER
        seconds, pick = None, COVER
        if not cover:
            moment = parse_moment("at", text)
            seconds, pick = moment.seconds(video.duration), moment.text
        source = self._source(video)
        poster = self._decode(make_poster, str(source), seconds, video.duration, cover, timeout=POSTER_TIMEOUT_S,
                              what="The poster could not be made")
        path = self._data.poster_path(video.id)
        with disk.full_as_error(self._data.root, "while writing the poster"):
            write_atomic(path, poster.jpeg)
        log.info("video %s: poster set to %s (%s)", video.id, pick, poster.at)
        return self._store.set_poster(video.id, pick, poster.at, poster.thumbhash)

    def has_cover_art(self, video: Video) -> bool:
        """Whether the file carries a cover picture (offered as a poster choice)."""
        from vtm.media.poster import has_cover_art

        try:
            return bool(self._ingest.call(has_cover_art, str(self._source(video)), timeout=POSTER_TIMEOUT_S))
        except (CallFailed, Interrupted, NotFound):
            return False

    def poster_image(self, video_id: int, fmt: str, width: int | None) -> tuple[Callable[[], bytes], str]:
        """What makes the poster as `fmt` (jpg or webp), `width` px wide at most (never
        enlarged), and a version of it for its ETag (known without making it)."""
        from vtm.media.poster import resized

        if fmt not in POSTER_FORMATS:
            raise InvalidInput(f"format {parsing.shown(fmt)}: use one of {', '.join(POSTER_FORMATS)}.")
        video = self._store.get_video(video_id)
        path = self._data.poster_path(video.id)
        if not path.is_file():
            raise NotFound(f"Video {video.id} has no poster yet; choose one with PUT /api/videos/{video.id}/poster.")
        stat = path.stat()
        return functools.partial(resized, path, width, fmt), f"poster:{video.id}:{fmt}:{width}:{stat.st_size}:{stat.st_mtime_ns}"

    def placeholder_png(self, video: Video) -> bytes | None:
        """The ThumbHash of the poster rendered as a small PNG (32 px), or None without one."""
        from vtm.media.poster import placeholder_png

        if not video.thumbhash:
            return None
        try:
            return placeholder_png(video.thumbhash)
        except (VtmError, ValueError):
            return None

    def _source(self, video: Video) -> Path:
        source = self._data.absolute(video.path)
        if not source.is_file():
            raise NotFound(f"The video file of video {video.id} is missing; put it back or add the video again.")
        return source

    def _poster_hash(self, video_id: int) -> str | None:
        """The ThumbHash of a new video's poster (None when it cannot be read: lazily later)."""
        from vtm.media.poster import hash_of

        try:
            return hash_of(self._data.poster_path(video_id))
        except (VtmError, OSError):
            return None

    def _hashed(self, videos: list[Video]) -> list[Video]:
        return hash_missing(self._data, self._store, videos)
