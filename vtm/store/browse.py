"""SQL of the pages that browse a big library: one page of videos or jobs at a time,
searched, filtered and sorted in DuckDB, with the counts from the database (never by
loading every row). At 100,000 videos and 1,000,000 jobs each query reads one page."""

from __future__ import annotations

from typing import Any

from vtm.models import JobFilter, JobPage, VideoPage
from vtm.store.jobs import JOB_COLUMNS, JobRows, job_conditions, job_from_row
from vtm.store.rows import like, page
from vtm.store.videos import ORDERS, VIDEO_COLUMNS, video_from_row


class BrowseRows(JobRows):
    def video_page(self, *, search: str = "", sort: str = "newest", limit: int = 24, offset: int = 0) -> VideoPage:
        """`limit` videos from `offset` in `sort` order, whose name contains `search`, and how many match.
        The same question asked again before any write is answered from memory: a page of
        the Library opened again, by anyone, while the library did not change."""
        where, args = "", list[Any]()
        if search:
            where, args = "WHERE filename ILIKE ? ESCAPE '\\'", [like(search)]
        order = ORDERS.get(sort, ORDERS["newest"])

        def read() -> VideoPage:
            rows = self._read(f"SELECT {VIDEO_COLUMNS} FROM videos {where} ORDER BY {order} {page(limit, offset)}", args)
            total = self._read(f"SELECT count(*) FROM videos {where}", args)[0][0]
            return VideoPage([video_from_row(r) for r in rows], int(total))

        return self._remembered(("video_page", search, order, limit, offset), read)

    def job_page(self, where: JobFilter, *, limit: int = 50, offset: int = 0) -> JobPage:
        """Newest first; the ids are picked in `jobs` alone, then only that page meets
        `videos`. The same question asked again before any write is answered from memory."""
        sql, args = job_conditions(where, with_status=True)

        def read() -> JobPage:
            rows = self._read(
                f"WITH page AS (SELECT * FROM jobs j WHERE {sql} ORDER BY j.id DESC {page(limit, offset)}) "
                f"SELECT {JOB_COLUMNS} FROM page j LEFT JOIN videos v ON v.id = j.video_id ORDER BY j.id DESC",
                args,
            )
            return JobPage([self._overlay(job_from_row(r)) for r in rows], self.job_counts(where))

        return self._remembered(("job_page", where, limit, offset, frozenset(self._unsaved.items())), read)
