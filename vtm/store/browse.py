"""SQL of the pages that browse a big library: one page of videos or jobs at a time,
searched, filtered and sorted in DuckDB, with the counts from the database (never by
loading every row). At 100,000 videos and 1,000,000 jobs each query reads one page."""

from __future__ import annotations

from typing import Any

from vtm.models import JobFilter, JobPage, JobStatus, VideoPage
from vtm.store.jobs import JOB_COLUMNS, JobRows, job_from_row
from vtm.store.videos import ORDERS, VIDEO_COLUMNS, video_from_row


def like(text: str) -> str:
    """An ILIKE pattern that finds `text` as typed (its % and _ are not wildcards)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class BrowseRows(JobRows):
    def video_page(self, *, search: str = "", sort: str = "newest", limit: int = 24, offset: int = 0) -> VideoPage:
        """`limit` videos from `offset` in `sort` order, whose name contains `search`, and how many match."""
        where, args = "", list[Any]()
        if search:
            where, args = "WHERE filename ILIKE ? ESCAPE '\\'", [like(search)]
        order = ORDERS.get(sort, ORDERS["newest"])
        rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos {where} ORDER BY {order} LIMIT ? OFFSET ?",
                          [*args, limit, offset])
        total = self._read(f"SELECT count(*) FROM videos {where}", args)[0][0]
        return VideoPage([video_from_row(r) for r in rows], int(total))

    def job_page(self, where: JobFilter, *, limit: int = 50, offset: int = 0) -> JobPage:
        """Newest first; the ids are picked in `jobs` alone, then only that page meets `videos`."""
        sql, args = _conditions(where, with_status=True)
        rows = self._read(
            f"WITH page AS (SELECT * FROM jobs j WHERE {sql} ORDER BY j.id DESC LIMIT ? OFFSET ?) "
            f"SELECT {JOB_COLUMNS} FROM page j LEFT JOIN videos v ON v.id = j.video_id ORDER BY j.id DESC",
            [*args, limit, offset],
        )
        return JobPage([self._overlay(job_from_row(r)) for r in rows], self.job_counts(where))

    def job_counts(self, where: JobFilter) -> dict[JobStatus, int]:
        """Jobs per status among those the filter's kind, video and text pick; only the
        filter's status when it has one."""
        sql, args = _conditions(where, with_status=False)
        counts = dict.fromkeys(JobStatus, 0)
        for status, count in self._read(f"SELECT j.status, count(*) FROM jobs j WHERE {sql} GROUP BY j.status", args):
            counts[JobStatus(status)] = int(count)
        if self._unsaved:  # FAILED in memory (a full disk), RUNNING in the file
            moved = sum(1 for job_id in self._unsaved if self._overlay_status(job_id, where))
            counts[JobStatus.RUNNING] -= moved
            counts[JobStatus.FAILED] += moved
        if where.status is not None:
            counts = {status: (n if status is where.status else 0) for status, n in counts.items()}
        return counts

    def _overlay_status(self, job_id: int, where: JobFilter) -> bool:
        sql, args = _conditions(where, with_status=False)
        return bool(self._read(f"SELECT 1 FROM jobs j WHERE j.id = ? AND j.status = 'RUNNING' AND {sql}", [job_id, *args]))


def _conditions(where: JobFilter, *, with_status: bool) -> tuple[str, list[Any]]:
    parts: list[str] = ["1=1"]
    args: list[Any] = []
    if with_status and where.status is not None:
        parts.append("j.status = ?")
        args.append(where.status.value)
    if where.kind is not None:
        parts.append("j.kind = ?")
        args.append(where.kind.value)
    if where.video_id is not None:
        parts.append("j.video_id = ?")
        args.append(where.video_id)
    if where.text.strip():
        pattern = like(where.text.strip())
        parts.append("(j.video_id IN (SELECT id FROM videos WHERE filename ILIKE ? ESCAPE '\\') "
                     "OR j.error ILIKE ? ESCAPE '\\')")
        args += [pattern, pattern]
    return " AND ".join(parts), args
