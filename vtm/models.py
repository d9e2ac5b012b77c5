"""Plain data: statuses, job kinds, videos and jobs. No I/O here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

JSON = str | int | float | bool | None
VIDEO_SORTS = ("newest", "oldest", "name", "duration")  # how the library may be ordered


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


class VideoStatus(StrEnum):
    """A video row exists only once its file is on disk and probed, so it is COMPLETED
    from the start; the other values keep the old service's vocabulary."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class JobOptions(Protocol):
    """A job's options, typed per kind (`vtm.kinds`): what the rest of VTM needs of them."""

    def to_json(self) -> dict[str, JSON]: ...

    def summary(self) -> str: ...

    def shown_size(self) -> tuple[int | None, int | None]: ...


class JobKind(StrEnum):
    THUMBNAIL = "thumbnail"
    SHEET = "sheet"
    STORYBOARD = "storyboard"
    PREVIEW = "preview"
    SCENES = "scenes"
    # Kinds that misbehave on purpose, accepted only when Settings.test_hooks is on.
    CRASH = "crash"
    HANG = "hang"
    HOG = "hog"


@dataclass(frozen=True)
class VideoInfo:
    """What probing a file tells. Unknown values are None, never negative or made up.

    `width` x `height` is the size a player shows: the stored picture times its sample
    aspect ratio, then turned by `rotation`. `storage_width` x `storage_height` is the
    picture as coded. `duration_measured` says the header had no duration and it was
    measured from the packets. `hdr` is "pq" (HDR10) or "hlg" (None: SDR);
    `field_order` is "tff" or "bff" for interlaced video (None: progressive)."""

    width: int
    height: int
    rotation: int = 0
    duration: float | None = None
    fps: float | None = None
    frame_count: int | None = None
    codec: str | None = None
    container: str | None = None
    pixel_format: str | None = None
    storage_width: int | None = None
    storage_height: int | None = None
    sample_aspect_ratio: str = "1:1"
    duration_measured: bool = False
    hdr: str | None = None
    field_order: str | None = None

    def columns(self) -> dict[str, object]:
        """The `videos` columns a probe fills (everything but the pixel format)."""
        return {
            "width": self.width, "height": self.height, "rotation": self.rotation, "duration": self.duration,
            "fps": self.fps, "frame_count": self.frame_count, "codec": self.codec, "container": self.container,
            "storage_width": self.storage_width, "storage_height": self.storage_height,
            "sample_aspect_ratio": self.sample_aspect_ratio, "duration_measured": self.duration_measured,
            "hdr": self.hdr, "field_order": self.field_order,
        }


@dataclass(frozen=True)
class Video:
    id: int
    filename: str
    status: VideoStatus
    path: str
    size: int
    sha256: str
    width: int
    height: int
    rotation: int = 0
    duration: float | None = None
    fps: float | None = None
    frame_count: int | None = None
    codec: str | None = None
    container: str | None = None
    imported: bool = False
    error: str | None = None
    created_at: datetime | None = None
    # Added in schema 2; None for a video probed by an older version (see VideoInfo).
    storage_width: int | None = None
    storage_height: int | None = None
    sample_aspect_ratio: str | None = None
    duration_measured: bool = False
    hdr: str | None = None
    field_order: str | None = None
    # Added with the poster picker (issue 15): None until a poster is chosen / hashed.
    poster_pick: str | None = None  # what was asked: `12.5`, `40%`, `auto` or `cover`
    poster_at: float | None = None  # the time it resolved to (None for cover art)
    thumbhash: str | None = None  # base64 ThumbHash of the poster file
    missing: bool = False  # a watched file moved away or deleted (issue 16); its outputs are kept

    @property
    def info(self) -> VideoInfo:
        return VideoInfo(
            width=self.width,
            height=self.height,
            rotation=self.rotation,
            duration=self.duration,
            fps=self.fps,
            frame_count=self.frame_count,
            codec=self.codec,
            container=self.container,
            storage_width=self.storage_width,
            storage_height=self.storage_height,
            sample_aspect_ratio=self.sample_aspect_ratio or "1:1",
            duration_measured=self.duration_measured,
            hdr=self.hdr,
            field_order=self.field_order,
        )

    @property
    def rotation_ffprobe(self) -> int:
        """The rotation as ffprobe reports it (its display matrix, "rotation of -90.00
        degrees"): counter-clockwise, -90 to 180. `rotation` is VTM's own: the turn
        clockwise that makes the picture upright (0, 90, 180, 270)."""
        angle = (-self.rotation) % 360
        return angle - 360 if angle > 180 else angle

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data["rotation"] = self.rotation_ffprobe  # the common convention (README, "Videos")
        data["created_at"] = _iso(self.created_at)
        return data


@dataclass(frozen=True)
class JobNode:
    """The cluster node a job's current (or last) attempt runs on: Ray's node id, its IP, its name."""

    id: str
    ip: str
    name: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "ip": self.ip, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobNode:
        return cls(str(data.get("id", "")), str(data.get("ip", "")), str(data.get("name", "")))


@dataclass(frozen=True)
class Job:
    id: int
    kind: JobKind
    video_id: int
    options: JobOptions
    status: JobStatus
    progress: float = 0.0
    attempts: int = 0
    error: str | None = None
    traceback: str | None = None
    output_path: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    node: JobNode | None = None  # the cluster node it runs or ran on; None with the local executor
    video_filename: str | None = field(default=None, compare=False)

    @property
    def width(self) -> int | None:
        return self.options.shown_size()[0]

    @property
    def height(self) -> int | None:
        return self.options.shown_size()[1]

    @property
    def params(self) -> dict[str, JSON]:
        """The options' canonical JSON (as stored, and as the API shows them)."""
        return self.options.to_json()

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "video_id": self.video_id,
            "filename": self.video_filename,
            "width": self.width,
            "height": self.height,
            "params": self.options.to_json(),
            "status": str(self.status),
            "progress": self.progress,
            "attempts": self.attempts,
            "error": self.error,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "duration_s": self.duration_s,
            "node": self.node.to_dict() if self.node else None,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class JobFilter:
    """Which jobs a list shows: each field narrows it when set. `text` is found in the
    video's name or the job's error (case-insensitive)."""

    status: JobStatus | None = None
    kind: JobKind | None = None
    video_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class VideoPage:
    """One page of the library: its videos and how many match in all."""

    videos: list[Video]
    total: int


@dataclass(frozen=True)
class JobPage:
    """One page of jobs; `counts` are per status under the filter's other fields."""

    jobs: list[Job]
    counts: dict[JobStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class InsightFilter:
    """Which jobs the Insights page counts: requested in [start, end) (UTC, either end
    open when None), of these kinds (all when empty)."""

    start: datetime | None = None
    end: datetime | None = None
    kinds: tuple[JobKind, ...] = ()


@dataclass(frozen=True)
class Figures:
    """One chart's numbers as a table: column names and rows (what its CSV holds)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]
