"""Use cases of looking after the data folder: `vtm doctor` and the free space left."""

from __future__ import annotations

from typing import Any

from vtm import disk, doctor
from vtm.errors import VtmError
from vtm.service.base import ServiceBase


class Upkeep(ServiceBase):
    def check_data_folder(self, *, repair: bool = False) -> dict[str, Any]:
        """`vtm doctor`: what disagrees between the data folder and the database, and with
        `repair` what was done about it: {"before", "actions", "after"} (see vtm.doctor)."""
        report = doctor.examine(self._data, self._store)
        actions = doctor.repair(self._data, self._store, report, self._probe) if repair and not report.ok else []
        if repair:
            actions += self._hash_posters()
        after = doctor.examine(self._data, self._store) if actions else report
        return {"before": report.to_dict(), "actions": actions, "after": after.to_dict()}

    def _hash_posters(self) -> list[str]:
        """The ThumbHash of every poster that has none (videos added by an older version)."""
        from vtm.service.posters import hash_missing

        missing = [v for v in self._store.list_videos() if v.thumbhash is None]
        hashed = [v for v in hash_missing(self._data, self._store, missing, limit=None) if v.thumbhash]
        return [f"computed the poster's ThumbHash of video {v.id}" for v in hashed]

    def disk_space(self) -> tuple[int, bool]:
        """(free bytes on the data folder's disk, whether that is under VTM_MIN_FREE_MB)."""
        free = disk.free_bytes(self._data.root)
        return free, free < self._settings.min_free_mb * disk.MB

    @property
    def data_folder(self) -> str:
        """The data folder, as people see it (the low-space banner names it)."""
        return str(self._data.root)

    def user_error(self, exc: BaseException) -> VtmError | None:
        """The error a person can act on behind an unexpected exception, if there is one:
        "no space left" from anywhere is DiskFull naming the data folder (507, not 500)."""
        if disk.is_full(exc):
            return disk.full_error(self._data.root)
        return None
