"""What happens when a video arrives or leaves: its recipe's outputs are asked for, the
`video.added` / `video.deleted` events are published, its fingerprint is queued."""

from __future__ import annotations

import logging
from typing import Any

from vtm.errors import VtmError
from vtm.models import Video
from vtm.recipes import UPLOADS, Recipe, RecipeBook
from vtm.service.jobs import Jobs
from vtm.webhooks.model import EventType

log = logging.getLogger(__name__)


class Arrivals(Jobs):
    def _arrived(self, video: Video, target: str = UPLOADS) -> None:
        """A video was added: from a watched folder (`target` is that folder), or by an
        upload or an import (`uploads`'s recipe)."""
        self._apply_recipe(video, target)
        self._announce(video)

    def _apply_recipe(self, video: Video, target: str) -> None:
        """Once per video (recorded in the database). The video is added whatever happens
        here: a recipe that cannot be applied now (a full disk, the video deleted
        meanwhile) is logged, and the outputs can still be asked for."""
        try:
            RecipeBook(self._store).apply(video, target, lambda vid, kind, options: self.request_output(vid, kind, options)[0])
        except VtmError as exc:
            log.warning("video %s: recipe %s not applied: %s", video.id, target, exc.message)

    def _announce(self, video: Video) -> None:
        if self._background is not None:
            self._background.video_added(video)
            self._background.index(video.id)

    def _left(self, video: Video) -> None:
        if self._background is not None:
            self._background.publish_now(EventType.VIDEO_DELETED, video.to_dict())

    # -- recipes ------------------------------------------------------------------------
    def recipes(self) -> list[Recipe]:
        """Every recipe: `uploads` and watched folders (absolute paths)."""
        return RecipeBook(self._store).all()

    def recipe(self, target: str) -> Recipe | None:
        return RecipeBook(self._store).get(target)

    def set_recipe(self, target: str, outputs: Any) -> Recipe:
        """What to make when a video arrives at `target` (`uploads` or a watched folder):
        a list of {"kind", "options"}, checked as requests are; [] makes nothing."""
        recipe = RecipeBook(self._store).set(target, outputs)
        log.info("recipe %s: %s", recipe.target, ", ".join(str(o.kind) for o in recipe.outputs) or "nothing")
        return recipe

    def remove_recipe(self, target: str) -> None:
        RecipeBook(self._store).remove(target)
