"""A team-sized data folder for the scale measures, made in seconds by bulk insert:
the real schema (created by VTM's store), then `INSERT … SELECT … FROM range(n)` for
100,000 videos and 1,000,000 jobs straight into the DuckDB file.

Every video row is an import by reference of one real tiny clip (so that opening any of
them works) with varied facts (codec, container, size, duration, resolution); every
video folder holds a poster (a hard link of one real poster, so the Library draws real
pictures at any page). Jobs are COMPLETED (95 %) or FAILED (5 %, four reasons), spread
over the last 30 days, five kinds per video then thumbnails of other widths: nothing is
QUEUED, so the server's workers stay idle while it is measured. Every video has its
near-duplicate fingerprint stored (the clip's real one): a settled library, so the
server does not spend the measured minutes fingerprinting 100,000 new videos in the
background.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import duckdb

from vtm import assembly, kinds, tasks
from vtm.config import Settings
from vtm.files import DataDir
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind
from vtm.store import canonical

KINDS = (JobKind.THUMBNAIL, JobKind.SHEET, JobKind.STORYBOARD, JobKind.PREVIEW, JobKind.SCENES)
ERRORS = ("The decoder stopped: end of file at 12.5 s", "Timed out after 300 s", "No space left on the device",
          "The frame at 91.2 s could not be decoded")


def default_params(kind: JobKind) -> str:
    return canonical(kinds.get(kind).options.from_json({}))


def make(data_dir: Path, videos: int, jobs: int, clip: Path) -> float:
    """Fill `data_dir` (new) with `videos` video rows and `jobs` job rows; returns seconds taken."""
    started = time.perf_counter()
    rt = assembly.build(Settings(data_dir=data_dir, isolation="thread"), start_workers=False)
    try:
        sample = rt.service.import_file(clip)  # the real poster and facts of the clip
        every_s, hashes, flat = tasks.fingerprint(str(clip), sample.duration)
        poster = rt.data.poster_path(sample.id)
        database = rt.store.path
    finally:
        rt.close()
    conn = duckdb.connect(str(database))
    try:
        conn.execute("DELETE FROM videos")
        _videos(conn, videos, str(clip.resolve()))
        conn.execute("DELETE FROM fingerprints")
        conn.execute("INSERT INTO fingerprints SELECT i + 1, ?, ?, ?, now()::TIMESTAMP FROM range(?) t(i)",
                     [every_s, hashes, flat, videos])
        if jobs:
            _jobs(conn, videos, jobs)
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    data = DataDir(data_dir)
    for video_id in range(1, videos + 1):
        target = data.poster_path(video_id)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(poster, target)
            except OSError as exc:  # a file system's limit of links per file (ext4: 65,000): a new original
                if exc.errno != errno.EMLINK:
                    raise
                shutil.copyfile(poster, target)
                poster = target
    return time.perf_counter() - started


def _videos(conn: duckdb.DuckDBPyConnection, count: int, path: str) -> None:
    conn.execute(
        """
        INSERT INTO videos (id, filename, status, path, size, sha256, width, height, rotation, duration, fps,
                            frame_count, codec, container, imported, created_at, storage_width, storage_height,
                            sample_aspect_ratio, duration_measured)
        SELECT i + 1, printf('clip-%06d %s.mp4', i + 1, ['beach', 'city', 'forest', 'meeting', 'party'][i % 5 + 1]),
               'COMPLETED', ?, 1000000 + (hash(i) % 4000000000)::BIGINT, sha256(i::VARCHAR), w, h, 0,
               (1 + (hash(i * 7) % 7200)::BIGINT)::DOUBLE, 30, (30 * (1 + (hash(i * 7) % 7200)::BIGINT))::BIGINT,
               ['h264', 'hevc', 'vp9', 'av1', 'mpeg2video'][(hash(i * 3) % 5)::BIGINT + 1],
               ['mp4', 'mov', 'mkv', 'webm'][(hash(i * 5) % 4)::BIGINT + 1], true,
               now()::TIMESTAMP - INTERVAL 40 DAY + to_seconds(i * 30), w, h, '1:1', false
        FROM (SELECT i, [640, 1280, 1920, 3840, 1080][(hash(i * 11) % 5)::BIGINT + 1] AS w,
                        [360, 720, 1080, 2160, 1920][(hash(i * 11) % 5)::BIGINT + 1] AS h FROM range(?) t(i))
        """,
        [path, count],
    )
    _advance(conn, "video_ids", count)


def _jobs(conn: duckdb.DuckDBPyConnection, videos: int, count: int) -> None:
    defaults = [default_params(kind) for kind in KINDS]
    widths = [canonical(ThumbnailOptions(width=100 + n, height=56 + n)) for n in range(max(1, count // videos))]
    conn.execute(
        """
        INSERT INTO jobs (id, kind, video_id, params, status, progress, attempts, error, output_path,
                          created_at, started_at, finished_at)
        SELECT i + 1, kind, v, params, status, 1, 1, CASE WHEN status = 'FAILED' THEN ?[(hash(i) % 4)::BIGINT + 1] END, NULL,
               created, created + to_milliseconds(wait), created + to_milliseconds(wait + took)
        FROM (
            SELECT i, i % ? + 1 AS v, i // ? AS slot,
                   CASE WHEN slot < 5 THEN ?[slot + 1] ELSE 'thumbnail' END AS kind,
                   CASE WHEN slot < 5 THEN ?[slot + 1] ELSE ?[slot - 4] END AS params,
                   CASE WHEN (hash(i * 13) % 100)::BIGINT < 5 THEN 'FAILED' ELSE 'COMPLETED' END AS status,
                   now()::TIMESTAMP - INTERVAL 30 DAY + to_milliseconds(i * 2592) AS created,
                   (hash(i * 17) % 20000)::BIGINT AS wait,
                   (50 + hash(i * 19) % ([300, 4000, 6000, 3000, 5000][slot % 5 + 1]))::BIGINT AS took
            FROM range(?) t(i)
        )
        """,
        [list(ERRORS), videos, videos, [k.value for k in KINDS], defaults, widths, count],
    )
    _advance(conn, "job_ids", count)


def _advance(conn: duckdb.DuckDBPyConnection, sequence: str, to: int) -> None:
    """Draw `to` values (DuckDB's sequences have no setval): new rows get higher ids."""
    conn.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [to])
