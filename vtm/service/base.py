"""What every group of use cases of the `Service` shares: its parts, given once by
`vtm.assembly`, and the probe of a new video in a decoder process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from vtm import tasks
from vtm.errors import DiskFull, TooLarge, Unsupported, VtmError
from vtm.executors.base import CallFailed, Executor, Interrupted
from vtm.models import VideoInfo

T = TypeVar("T")

if TYPE_CHECKING:
    from vtm.cluster import ClusterStatus
    from vtm.config import Settings
    from vtm.events import EventBus
    from vtm.files import DataDir
    from vtm.service.background import Background
    from vtm.store import Store

INSPECT_TIMEOUT_S = 120.0


class Canceller(Protocol):
    """What the service asks of the workers: stop these jobs if they run."""

    def cancel(self, job_ids: list[int]) -> None: ...


class ClusterView(Protocol):
    """What the service asks of a cluster executor: its state now."""

    def status(self) -> ClusterStatus: ...


class ServiceBase:
    def __init__(self, *, settings: Settings, data: DataDir, store: Store, events: EventBus, ingest: Executor,
                 workers: Canceller, cluster: ClusterView | None = None) -> None:
        self._settings = settings
        self._data = data
        self._store = store
        self._events = events
        self._ingest = ingest  # probes uploads, writes posters, shrinks pictures for pages
        self._workers = workers
        self._cluster = cluster  # the Ray executor, when the jobs run on a cluster
        self._background: Background | None = None  # watcher, webhooks, fingerprints (issue 16)

    def attach(self, background: Background) -> None:
        """The background parts (`vtm.assembly` builds them after the Service)."""
        self._background = background

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def events(self) -> EventBus:
        return self._events

    def _probe(self, path: Path, poster: Path) -> VideoInfo:
        """Probe a file and write its poster, in a decoder process; raises CallFailed."""
        from vtm.media.limits import Limits

        s = self._settings
        limits = Limits(s.max_width, s.max_height, s.max_duration_s, s.max_frames)
        return self._ingest.call(tasks.inspect, str(path), str(poster), limits, timeout=INSPECT_TIMEOUT_S)

    def _inspect(self, name: str, path: Path, poster: Path) -> VideoInfo:
        """`_probe`, with a refusal said as a VTM error that names the file, and the
        server's limits checked on what it found."""
        try:
            info = self._probe(path, poster)
        except CallFailed as failure:
            error = failure.user_error
            reason = failure.message[:1].lower() + failure.message[1:]
            if isinstance(error, DiskFull):
                raise error from None
            if isinstance(error, TooLarge):
                raise TooLarge(f"{name}: {reason}", code=error.code) from None
            if error is not None and error.message:
                raise type(error)(f"{name} is not a video VTM can read: {reason}", code=error.code) from None
            raise Unsupported(f"{name} is not a video VTM can read: {reason}") from None
        self._check_limits(name, info)
        return info

    def _decode(self, fn: Callable[..., T], *args: Any, timeout: float, what: str) -> T:
        """`fn(*args)` in the ingest decoder process; a failure said as "`what` could not
        be …" (the video's own error as it is)."""
        try:
            return self._ingest.call(fn, *args, timeout=timeout)
        except CallFailed as failure:
            if isinstance(failure.user_error, VtmError):
                raise failure.user_error from None
            raise Unsupported(f"{what}: {failure.message}") from None
        except Interrupted:
            raise Unsupported(f"{what}: VTM is shutting down.") from None

    def _check_limits(self, name: str, info: VideoInfo) -> None:
        s = self._settings
        problems = []
        if info.width > s.max_width or info.height > s.max_height:
            problems.append(f"{info.width}x{info.height} pixels is over the limit of {s.max_width}x{s.max_height}")
        if info.duration and info.duration > s.max_duration_s:
            problems.append(f"{info.duration:.0f} s is longer than the limit of {s.max_duration_s:.0f} s")
        if info.frame_count and info.frame_count > s.max_frames:
            problems.append(f"{info.frame_count} frames is over the limit of {s.max_frames}")
        if problems:
            raise TooLarge(f"{name}: {'; '.join(problems)}.", code="video_too_large")

    def _new_video_id(self) -> int:
        """A fresh id whose folder does not exist: a folder the database forgot is never reused."""
        video_id = self._store.next_video_id()
        while self._data.video_dir(video_id).exists():
            video_id = self._store.next_video_id()
        return video_id

