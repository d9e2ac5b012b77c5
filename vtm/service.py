"""VTM's use cases, shared by the dashboard, the API and the CLI. Each checks its input
and raises a `vtm.errors` error a person can act on; none knows about HTTP or UI."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vtm import disk, kinds, parsing, tasks, urls
from vtm.errors import BadRequest, Conflict, DiskFull, InvalidInput, NotFound, TooLarge, Unsupported
from vtm.executors.base import CallFailed, Interrupted
from vtm.files import VIDEO_EXTENSIONS, Received, receive_file, remove_tree, safe_filename, sha256_of
from vtm.media.limits import Limits
from vtm.models import Job, JobKind, JobStatus, Video, VideoInfo
from vtm.runtime import Runtime
from vtm.store import VIDEO_SORTS

log = logging.getLogger(__name__)


# -- videos -------------------------------------------------------------------------
def check_name_free(rt: Runtime, filename: str) -> str:
    """The safe form of `filename`, or Conflict when a video already has it."""
    name = safe_filename(filename)
    if rt.store.find_video_by_name(name) is not None:
        raise Conflict(
            f"A video named {name!r} already exists; rename the file or delete the old one first.",
            code="duplicate_name",
        )
    return name


def add_video(rt: Runtime, received: Received, filename: str) -> Video:
    """Accept an upload already streamed to data/tmp: check its name, probe it, move it
    into place and record it. On any refusal the temporary file is removed and no row
    is written."""
    folder: Path | None = None
    try:
        name = check_name_free(rt, filename)
        if received.size == 0:
            raise Unsupported(f"{name}: the file is empty (0 bytes).", code="empty_file")
        video_id = _new_video_id(rt)
        folder = rt.data.video_dir(video_id)
        final = rt.data.upload_path(video_id, name)
        with disk.full_as_error(rt.data.root):
            final.parent.mkdir(parents=True)
        info = _inspect(rt, name, received.path, rt.data.poster_path(video_id))
        _check_limits(rt, name, info)
        os.replace(received.path, final)
        video = rt.store.add_video(
            id=video_id, filename=name, path=rt.data.relative(final), size=received.size,
            sha256=received.sha256, **_info_columns(info),
        )
    except BaseException:
        received.path.unlink(missing_ok=True)
        if folder is not None:
            remove_tree(folder)
        raise
    log.info("video %s: added %s (%dx%d, %s s, %s)", video.id, name, info.width, info.height, info.duration, info.codec)
    return video


def _new_video_id(rt: Runtime) -> int:
    """A fresh id whose folder does not exist: a folder the database forgot is never reused."""
    video_id = rt.store.next_video_id()
    while rt.data.video_dir(video_id).exists():
        video_id = rt.store.next_video_id()
    return video_id


def check_room(rt: Runtime, size: int) -> None:
    """DiskFull now, before any byte is read, when `size` bytes would not fit."""
    disk.require_room(rt.data.root, size, "The upload")


def check_data_folder(rt: Runtime, *, repair: bool = False) -> dict[str, Any]:
    """`vtm doctor`: what disagrees between the data folder and the database, and with
    `repair` what was done about it: {"before", "actions", "after"} (see vtm.doctor)."""
    from vtm import doctor

    report = doctor.examine(rt.data, rt.store)
    actions = doctor.repair(rt, report) if repair and not report.ok else []
    after = doctor.examine(rt.data, rt.store) if actions else report
    return {"before": report.to_dict(), "actions": actions, "after": after.to_dict()}


def disk_space(rt: Runtime) -> tuple[int, bool]:
    """(free bytes on the data folder's disk, whether that is under VTM_MIN_FREE_MB)."""
    free = disk.free_bytes(rt.data.root)
    return free, free < rt.settings.min_free_mb * disk.MB


def add_local_file(rt: Runtime, source: Path, filename: str | None = None) -> Video:
    """Add a file from this machine (the CLI, the sample clips) by copying it in."""
    received = receive_file(source, rt.data.tmp, rt.settings.max_upload_bytes)
    return add_video(rt, received, filename or source.name)


def _inspect(rt: Runtime, name: str, path: Path, poster: Path) -> VideoInfo:
    try:
        limits = Limits(rt.settings.max_width, rt.settings.max_height, rt.settings.max_duration_s, rt.settings.max_frames)
        info: VideoInfo = rt.ingest_executor.call(tasks.inspect, str(path), str(poster), limits, timeout=120)
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
    return info


def _check_limits(rt: Runtime, name: str, info: VideoInfo) -> None:
    s = rt.settings
    problems = []
    if info.width > s.max_width or info.height > s.max_height:
        problems.append(f"{info.width}x{info.height} pixels is over the limit of {s.max_width}x{s.max_height}")
    if info.duration and info.duration > s.max_duration_s:
        problems.append(f"{info.duration:.0f} s is longer than the limit of {s.max_duration_s:.0f} s")
    if info.frame_count and info.frame_count > s.max_frames:
        problems.append(f"{info.frame_count} frames is over the limit of {s.max_frames}")
    if problems:
        raise TooLarge(f"{name}: {'; '.join(problems)}.", code="video_too_large")


def _info_columns(info: VideoInfo) -> dict[str, Any]:
    return {
        "width": info.width, "height": info.height, "rotation": info.rotation, "duration": info.duration,
        "fps": info.fps, "frame_count": info.frame_count, "codec": info.codec, "container": info.container,
    }


def list_videos(rt: Runtime, search: str = "", sort: str = "newest") -> list[Video]:
    if sort not in VIDEO_SORTS:
        raise InvalidInput(f"sort={parsing.shown(sort)}: use one of {', '.join(VIDEO_SORTS)}.")
    return rt.store.list_videos(search=search, sort=sort)


def get_video(rt: Runtime, video_id: int) -> Video:
    return rt.store.get_video(video_id)


def poster_path(rt: Runtime, video: Video) -> Path | None:
    path = rt.data.poster_path(video.id)
    return path if path.is_file() else None


def delete_video(rt: Runtime, video_id: int) -> Video:
    """Remove a video, its jobs and every file made from it. The rows go first, in one
    transaction: from then on every request for the video is a 404 and no job of it
    can be added; its running jobs are cancelled (what they write is removed)."""
    video, jobs = rt.store.delete_video(video_id)
    rt.workers.cancel([job.id for job in jobs if job.status is JobStatus.RUNNING])
    for job in jobs:
        kinds.get(job.kind).remove_output(rt.data, job.id, job.video_id, job.options)
    if not video.imported:
        rt.data.discard_folder(rt.data.video_dir(video.id), video.id)
    else:
        rt.data.poster_path(video.id).unlink(missing_ok=True)
    log.info("video %s: deleted with %d job(s)", video.id, len(jobs))
    return video


# -- jobs ---------------------------------------------------------------------------
def request_output(rt: Runtime, video_id: int, kind: JobKind | str, options: Mapping[str, object],
                   json_types: bool = False) -> tuple[Job, bool]:
    """The job that makes this output: the existing one for the same request, or a new
    QUEUED one. Returns (job, created). With `json_types`, options that came as JSON
    must have their JSON types (a string is not a number)."""
    found = kinds.by_name(kind, test_hooks=rt.settings.test_hooks)
    if json_types:
        found.options.check_json(options)
    video = rt.store.get_video(video_id)
    return rt.store.enqueue_job(video.id, found.name, found.options.parse(options, video))


def request_thumbnail(rt: Runtime, video_id: int, width: object, height: object, **options: object) -> Job:
    return request_output(rt, video_id, JobKind.THUMBNAIL, {"width": width, "height": height, **options})[0]


def find_output(rt: Runtime, video_id: int, kind: JobKind, options: Mapping[str, object]) -> Job:
    """The finished job for this request, as `GET /api/t` serves it."""
    video = rt.store.get_video(video_id)
    found = kinds.get(kind)
    job = rt.store.find_job(video.id, kind, found.options.parse(options, video))
    if job is None:
        raise NotFound(f"No {kind} of video {video_id} with these options was requested; POST it first.")
    return job


def output_file(rt: Runtime, job: Job) -> Path:
    """The file a COMPLETED job made; Conflict while it is still queued or running."""
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        raise Conflict(f"Job {job.id} is still {job.status}; try again in a moment.", code="not_ready")
    if job.status is JobStatus.FAILED:
        raise Conflict(f"Job {job.id} FAILED: {job.error}", code="job_failed")
    if not job.output_path:
        raise NotFound(f"Job {job.id} has no output file.")
    path = rt.data.absolute(job.output_path)
    if not path.is_file():
        raise NotFound(f"The output of job {job.id} is missing on disk; retry the job.")
    return path


def list_jobs(
    rt: Runtime, *, status: str | None = None, kind: str | None = None, video_id: int | None = None,
    limit: int | None = 100, offset: int = 0,
) -> list[Job]:
    return rt.store.list_jobs(
        status=_enum(JobStatus, status, "status"), kind=_enum(JobKind, kind, "kind"),
        video_id=video_id, limit=limit, offset=offset,
    )


def get_job(rt: Runtime, job_id: int) -> Job:
    return rt.store.get_job(job_id)


def retry_job(rt: Runtime, job_id: int) -> Job:
    return rt.store.retry(job_id)


def job_counts(rt: Runtime) -> dict[JobStatus, int]:
    return rt.store.count_jobs_by_status()


TEST_HOOK_KINDS = tuple(kind.name for kind in kinds.KINDS.values() if kind.test_hook)


def _enum(enum: Any, value: Any, name: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return enum(value if enum is JobKind else str(value).upper())
    except ValueError:
        choices = ", ".join(m.value for m in enum if m not in TEST_HOOK_KINDS)
        raise InvalidInput(f"{name}={parsing.shown(value)}: use one of {choices}.") from None


def require_file_field(filename: str | None) -> str:
    if not filename or not filename.strip():
        raise BadRequest("The upload has no file name; send the file in the `video` field with its name.", code="empty_filename")
    return filename


def add_sample_videos(rt: Runtime) -> list[Video]:
    """Generate the demo clips and add those not in the library yet."""
    from vtm.media.samples import SAMPLES, make_samples

    folder = rt.data.samples
    added = []
    try:
        with disk.full_as_error(rt.data.tmp, "while making the sample videos"):
            for path in make_samples(folder):
                if path.name in SAMPLES and rt.store.find_video_by_name(path.name) is None:
                    added.append(add_local_file(rt, path))
    finally:
        remove_tree(folder)
    return added


# -- outputs: files, storyboards, scenes, imports (issue 5) ---------------------------
def output_files(rt: Runtime, job: Job) -> list[Path]:
    """Every file a COMPLETED job made, the main one first."""
    return kinds.get(job.kind).files_in(output_file(rt, job))


def job_file(rt: Runtime, job: Job, name: str) -> Path:
    """One file of a job's output by its bare name (a sprite, a scene keyframe). The
    name is only compared with the folder's listing; it never becomes a path itself."""
    for path in output_files(rt, job):
        if path.name == name:
            return path
    raise NotFound(f"Job {job.id} has no file named {parsing.shown(name, 80)}.")


def storyboard_cues(rt: Runtime, job: Job) -> list[dict[str, Any]]:
    """The cues of a storyboard job: start, end, the sprite's file `path` and `url`, and
    the tile's x, y, w, h inside it (for a scrub slider)."""
    from vtm.media.storyboard import parse_vtt

    if job.kind is not JobKind.STORYBOARD:
        raise InvalidInput(f"Job {job.id} is a {job.kind}, not a storyboard.")
    vtt = output_file(rt, job)
    files = {p.name: p for p in output_files(rt, job)}
    cues = []
    for cue in parse_vtt(vtt.read_text()):
        name = cue.sprite.rsplit("/", 1)[-1]
        cues.append({"start": cue.start, "end": cue.end, "sprite": name, "path": files.get(name), "url": cue.sprite,
                     "x": cue.x, "y": cue.y, "w": cue.w, "h": cue.h})
    return cues


def scenes_of(rt: Runtime, job: Job) -> list[dict[str, Any]]:
    """The scenes a scenes job found: number, start/end (seconds and timecode), frames,
    and the keyframe's file `path` and `url`."""
    import json

    if job.kind is not JobKind.SCENES:
        raise InvalidInput(f"Job {job.id} is a {job.kind}, not a scenes job.")
    files = {p.name: p for p in output_files(rt, job)}
    rows = json.loads(output_file(rt, job).read_text())["scenes"]
    for row in rows:
        row["path"] = files.get(row["keyframe"])
        row["url"] = urls.job_file(job.id, row["keyframe"])
    return rows


def import_file(rt: Runtime, source: Path) -> Video:
    """Add a local video by reference: the row points at the file where it is
    (`imported=True`), nothing is copied; deleting the video leaves the file alone."""
    source = Path(source).resolve()
    existing = rt.store.find_video_by_name(safe_filename(source.name))
    if existing is not None and existing.path == str(source):
        raise Conflict(f"{existing.filename} is already in the library (video {existing.id}).", code="already_imported")
    name = check_name_free(rt, source.name)
    size = source.stat().st_size
    if size == 0:
        raise Unsupported(f"{name}: the file is empty (0 bytes).", code="empty_file")
    video_id = _new_video_id(rt)
    folder = rt.data.video_dir(video_id)
    try:
        folder.mkdir(parents=True)
        info = _inspect(rt, name, source, rt.data.poster_path(video_id))
        _check_limits(rt, name, info)
        video = rt.store.add_video(id=video_id, filename=name, path=str(source), size=size, sha256=sha256_of(source),
                                   imported=True, **_info_columns(info))
    except BaseException:
        remove_tree(folder)
        raise
    log.info("video %s: imported %s by reference (%s)", video.id, name, source)
    return video


def import_folder(rt: Runtime, folder: Path, progress: Any = None) -> list[tuple[Path, Video | None, str | None]]:
    """Import every video file under `folder` (by extension, recursively, sorted).
    Returns (path, video or None, reason it was not added or None) per file; a file
    already in the library under its name is reported, not added twice."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotFound(f"{folder} is not a folder.")
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_EXTENSIONS)
    results: list[tuple[Path, Video | None, str | None]] = []
    for n, path in enumerate(paths):
        try:
            results.append((path, import_file(rt, path), None))
        except (Conflict, Unsupported, TooLarge, BadRequest, InvalidInput) as exc:
            results.append((path, None, exc.message))
        except OSError as exc:
            results.append((path, None, f"{path.name}: {exc.strerror or exc}"))
        if progress:
            progress((n + 1) / len(paths))
    return results


# -- pictures shown on pages ----------------------------------------------------------
DISPLAY_TIMEOUT_S = 30.0


def display_copy(rt: Runtime, path: Path, box: int, crop: tuple[int, int, int, int] | None = None) -> bytes:
    """A copy of a picture VTM made that fits in `box` x `box` (of its `crop` rectangle),
    made in a decoder process: the server never decodes a big picture itself. Raises
    Unsupported (code `unshowable`) with the reason when it cannot be shown."""
    from vtm.media.display import shrink, unshowable

    try:
        data: bytes = rt.ingest_executor.call(shrink, str(path), box, crop, timeout=DISPLAY_TIMEOUT_S)
    except CallFailed as failure:
        if isinstance(failure.user_error, Unsupported):
            raise failure.user_error from None
        raise unshowable(failure.message[:1].lower() + failure.message[1:].rstrip(".")) from None
    except Interrupted:
        raise unshowable("VTM is shutting down") from None
    return data
