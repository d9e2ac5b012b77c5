"""Rows inserted in bulk into a data folder's database (tests of paging, filters and
figures): VTM's store makes the file and its schema, then one `INSERT … SELECT … FROM
range(n)` per table writes rows whose every value follows from its number, so that a
test can say which rows a page must show.

Video n (1..count): `video-NNNN.mp4` (`cat-` instead of `video-` for every tenth, and
`50%_off-` for n = 7), created n minutes after a fixed start, duration n seconds, size n MB,
codec h264 (odd n) or hevc (even n), container mp4, 640x360. Job m (1..count): video
(m - 1) % videos + 1, kind thumbnail (width 100 + (m - 1) // videos), status FAILED when
m % 5 == 0 (error `Timed out after m s`), else COMPLETED; created at the start + m
minutes, started 2 s later, finished after m % 4 + 1 s.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from vtm import assembly
from vtm.config import Settings
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.store import canonical

START = datetime(2026, 1, 1)


def name(n: int) -> str:
    if n == 7:
        return "50%_off-0007.mp4"
    return f"{'cat' if n % 10 == 0 else 'video'}-{n:04d}.mp4"


def fill(data_dir: Path, videos: int, jobs: int, clip: Path) -> None:
    assembly.build(Settings(data_dir=data_dir, isolation="thread"), start_workers=False).close()
    params = [canonical(ThumbnailOptions(width=100 + n, height=100)) for n in range(jobs // max(videos, 1) + 1)]
    conn = duckdb.connect(str(data_dir / "vtm.duckdb"))
    try:
        conn.execute(
            """INSERT INTO videos (id, filename, status, path, size, sha256, width, height, duration, fps, codec, container,
                                   imported, created_at)
               SELECT n, CASE WHEN n = 7 THEN '50%_off-0007.mp4' ELSE printf('%s-%04d.mp4', CASE WHEN n % 10 = 0 THEN 'cat'
                      ELSE 'video' END, n) END, 'COMPLETED', ?, n * 1048576, sha256(n::VARCHAR), 640, 360, n, 25,
                      CASE WHEN n % 2 = 1 THEN 'h264' ELSE 'hevc' END, 'mp4', true, ?::TIMESTAMP + to_minutes(n)
               FROM range(1, ? + 1) t(n)""",
            [str(clip), START, videos],
        )
        conn.execute(
            """INSERT INTO jobs (id, kind, video_id, params, status, progress, attempts, error, created_at, started_at,
                                 finished_at)
               SELECT m, 'thumbnail', (m - 1) % ? + 1, ?[(m - 1) // ? + 1], CASE WHEN m % 5 = 0 THEN 'FAILED'
                      ELSE 'COMPLETED' END, 1, 1, CASE WHEN m % 5 = 0 THEN printf('Timed out after %d s', m) END,
                      ?::TIMESTAMP + to_minutes(m), ?::TIMESTAMP + to_minutes(m) + to_seconds(2),
                      ?::TIMESTAMP + to_minutes(m) + to_seconds(2 + m % 4 + 1)
               FROM range(1, ? + 1) t(m)""",
            [videos, params, videos, START, START, START, jobs],
        )
        for sequence, last in (("video_ids", videos), ("job_ids", jobs)):
            conn.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [last])
    finally:
        conn.close()
