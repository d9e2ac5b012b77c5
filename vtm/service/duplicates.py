"""Use cases of the near-duplicate finder: the pairs found so far (a read: pairs are
stored when a video's fingerprint is made) and how far fingerprinting has come."""

from __future__ import annotations

from typing import Any

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.service.base import ServiceBase


class Duplicates(ServiceBase):
    def duplicates(self, min_similarity: object = 0.0, video_id: int | None = None) -> list[dict[str, Any]]:
        """Pairs of videos sharing footage, most similar first: {"video_a", "video_b",
        "similarity" (0..1), "mirrored", "ranges": [{"a_start", "a_end", "b_start",
        "b_end"} in seconds]}."""
        try:
            low = float(min_similarity)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            low = -1.0
        if not 0.0 <= low <= 1.0:
            raise InvalidInput(f"min_similarity={parsing.shown(min_similarity)}: give a number from 0 to 1.")
        if video_id is not None:
            self._store.get_video(video_id)
        return self._store.list_duplicate_pairs(low, video_id)

    def fingerprint_backlog(self) -> int:
        """Videos still waiting for their fingerprint (0 when duplicates are off)."""
        if not self._settings.duplicates:
            return 0
        return len(self._store.videos_without_fingerprint())
