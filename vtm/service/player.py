"""Use cases of watching a video on its page: its source file (served with byte ranges
for the player) and why `auto` chose its poster's frame."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from vtm.errors import NotFound
from vtm.models import Video
from vtm.service.base import ServiceBase


@dataclass(frozen=True)
class PosterChoice:
    """What the picker measured when it chose the poster's frame (vtm.media.choose.Choice)."""

    time: float
    candidates: int
    rank_sharpness: int  # 1: the sharpest candidate
    rejected: str | None  # its own flaw when every candidate had one (dark, bright, uniform, featureless)
    skipped: dict[str, int] = field(default_factory=dict)  # candidates refused, by reason


class Player(ServiceBase):
    def source_file(self, video: Video) -> Path:
        """The video's own file (an upload in the data folder, or an imported file where
        it is); NotFound when it is gone."""
        path = self._data.absolute(video.path)
        if not path.is_file():
            raise NotFound(f"The file of video {video.id} ({video.filename}) is missing on disk.", code="source_missing")
        return path

    def poster_choice(self, video: Video) -> PosterChoice | None:
        """Why `auto` chose the poster's frame; None for a video added before VTM kept it."""
        try:
            data = json.loads(self._data.poster_choice_path(video.id).read_text())
            skipped = {str(k): int(v) for k, v in dict(data.get("skipped") or {}).items()}
            return PosterChoice(float(data["time"]), int(data["candidates"]), int(data["rank_sharpness"]),
                                data.get("rejected") or None, skipped)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
