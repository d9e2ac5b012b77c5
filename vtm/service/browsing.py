"""Use cases of the pages that browse a big library: a page of videos (searched and
sorted) and a page of jobs (filtered), with the totals, each read in one or two queries
whatever the size of the library."""

from __future__ import annotations

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.models import VIDEO_SORTS, JobFilter, JobKind, JobPage, JobStatus, VideoPage
from vtm.service.base import ServiceBase
from vtm.service.jobs import _enum
from vtm.service.posters import hash_missing

MAX_PER_PAGE = 200
MAX_API_LIMIT = 1000  # GET /api/videos?limit=, as GET /api/jobs


class Browsing(ServiceBase):
    def video_page(self, *, search: str = "", sort: str = "newest", page: int = 1, per_page: int = 24) -> VideoPage:
        """Page `page` (from 1) of the videos whose name contains `search`, in `sort` order."""
        per_page = _per_page(per_page)
        return self._videos(search, sort, per_page, (max(1, page) - 1) * per_page)

    def video_slice(self, *, search: str = "", sort: str = "newest", limit: int, offset: int = 0) -> VideoPage:
        """`limit` videos from `offset` (the API's paging), with ThumbHashes as `list_videos` gives them."""
        found = self._videos(search, sort, _per_page(limit, MAX_API_LIMIT), max(0, offset))
        return VideoPage(hash_missing(self._data, self._store, found.videos), found.total)

    def _videos(self, search: str, sort: str, limit: int, offset: int) -> VideoPage:
        if sort not in VIDEO_SORTS:
            raise InvalidInput(f"sort={parsing.shown(sort)}: use one of {', '.join(VIDEO_SORTS)}.")
        return self._store.video_page(search=search, sort=sort, limit=limit, offset=offset)

    def job_filter(self, *, status: JobStatus | str | None = None, kind: JobKind | str | None = None,
                   video_id: int | None = None, text: str = "") -> JobFilter:
        """A filter from what a person or a URL gave (unknown status or kind: InvalidInput)."""
        return JobFilter(_enum(JobStatus, status, "status"), _enum(JobKind, kind, "kind"), video_id, text.strip())

    def job_page(self, where: JobFilter, *, page: int = 1, per_page: int = 50) -> JobPage:
        """Page `page` (from 1) of the jobs the filter picks, newest first, and the counts per status."""
        per_page = _per_page(per_page)
        return self._store.job_page(where, limit=per_page, offset=(max(1, page) - 1) * per_page)


def _per_page(per_page: int, most: int = MAX_PER_PAGE) -> int:
    if not 1 <= per_page <= most:
        raise InvalidInput(f"per_page={per_page}: use 1 to {most}.")
    return per_page
