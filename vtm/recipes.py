"""Recipes: what to make when a video arrives, per watched folder and for uploads.

A recipe is a list of outputs — a kind and its options, e.g. a poster thumbnail, a
storyboard every 5 s and the scenes — checked when it is saved by the same rules as a
request (each output is normalised against a reference 1080p, 10-minute video, so a
bad option is refused with the request's message before any video arrives). Applying
a recipe asks for each output through the service's own `request` (so the same output
twice is the same job) and then records that the video had its recipe: applied once
per video, even across restarts. The record is written after the requests, so a crash
in between only asks again for jobs that already exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from vtm import kinds
from vtm.errors import InvalidInput
from vtm.models import Job, JobKind, Video, VideoStatus

log = logging.getLogger(__name__)

UPLOADS = "uploads"  # the target of videos uploaded by browser, API or CLI
KINDS = tuple(kind.name for kind in kinds.OUTPUT_KINDS)
MAX_OUTPUTS = 20
REFERENCE = Video(id=0, filename="reference.mp4", status=VideoStatus.COMPLETED, path="", size=1, sha256="",
                  width=1920, height=1080, duration=600.0, fps=25.0, frame_count=15000)

Request = Callable[[int, JobKind, Mapping[str, Any]], Job]


@dataclass(frozen=True)
class RecipeOutput:
    kind: JobKind
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "options": dict(self.options)}


@dataclass(frozen=True)
class Recipe:
    target: str
    outputs: tuple[RecipeOutput, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "outputs": [o.to_dict() for o in self.outputs]}


class RecipeStore(Protocol):
    def save_recipe(self, target: str, outputs: list[dict[str, Any]]) -> None: ...
    def load_recipe(self, target: str) -> list[dict[str, Any]] | None: ...
    def list_recipes(self) -> dict[str, list[dict[str, Any]]]: ...
    def delete_recipe(self, target: str) -> None: ...
    def mark_recipe_applied(self, video_id: int, target: str, job_ids: list[int]) -> bool: ...
    def recipe_applied(self, video_id: int) -> bool: ...


def parse_outputs(raw: Any) -> tuple[RecipeOutput, ...]:
    """Typed, checked outputs from a request body (`[{"kind": ..., "options": {...}}, ...]`)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InvalidInput('outputs: give a list such as [{"kind": "thumbnail", "options": {"width": 640}}].')
    if len(raw) > MAX_OUTPUTS:
        raise InvalidInput(f"outputs: at most {MAX_OUTPUTS} outputs per recipe.")
    outputs = []
    for n, item in enumerate(raw):
        where = f"outputs[{n}]"
        if not isinstance(item, Mapping) or set(item) - {"kind", "options"}:
            raise InvalidInput(f'{where}: give {{"kind": ..., "options": {{...}}}}.')
        if item.get("kind") not in KINDS:
            raise InvalidInput(f"{where}: kind {str(item.get('kind'))[:40]!r} is not one of {', '.join(KINDS)}.")
        kind, options = JobKind(item["kind"]), item.get("options") or {}
        if not isinstance(options, Mapping):
            raise InvalidInput(f"{where}: options must be an object.")
        try:
            kinds.parse(kind, options, REFERENCE)
        except InvalidInput as exc:
            raise InvalidInput(f"{where} ({kind}): {exc.message}") from None
        outputs.append(RecipeOutput(kind, dict(options)))
    return tuple(outputs)


def target_for(path: Path, folders: Sequence[Path]) -> str | None:
    """The recipe target of a file: the watched folder holding it (the deepest one)."""
    resolved = Path(path).resolve()
    holders = [Path(f).resolve() for f in folders if resolved.is_relative_to(Path(f).resolve())]
    return str(max(holders, key=lambda f: len(f.parts))) if holders else None


class RecipeBook:
    def __init__(self, store: RecipeStore) -> None:
        self._store = store

    def set(self, target: str, outputs: Any) -> Recipe:
        recipe = Recipe(_target(target), parse_outputs(outputs))
        self._store.save_recipe(recipe.target, [o.to_dict() for o in recipe.outputs])
        return recipe

    def get(self, target: str) -> Recipe | None:
        rows = self._store.load_recipe(_target(target))
        return None if rows is None else Recipe(_target(target), tuple(RecipeOutput(JobKind(r["kind"]), r["options"]) for r in rows))

    def all(self) -> list[Recipe]:
        return [Recipe(t, tuple(RecipeOutput(JobKind(r["kind"]), r["options"]) for r in rows))
                for t, rows in self._store.list_recipes().items()]

    def remove(self, target: str) -> None:
        self._store.delete_recipe(_target(target))

    def apply(self, video: Video, target: str, request: Request) -> list[Job] | None:
        """Ask for the target's outputs of a video that just arrived; None when the video
        already had its recipe. An output refused for this video (an option that does
        not fit it) is logged and skipped; the others are still made."""
        if self._store.recipe_applied(video.id):
            return None
        recipe = self.get(target)
        jobs: list[Job] = []
        for output in recipe.outputs if recipe else ():
            try:
                jobs.append(request(video.id, output.kind, output.options))
            except InvalidInput as exc:
                log.warning("video %s: recipe %s: %s skipped: %s", video.id, target, output.kind, exc.message)
        if not self._store.mark_recipe_applied(video.id, _target(target), [j.id for j in jobs]):
            return None
        if jobs:
            log.info("video %s: recipe %s asked for %d output(s)", video.id, target, len(jobs))
        return jobs


def _target(target: str) -> str:
    if target == UPLOADS:
        return target
    if not isinstance(target, str) or not target.startswith("/"):
        raise InvalidInput(f"A recipe is for {UPLOADS!r} or a watched folder's absolute path, not {str(target)[:80]!r}.")
    return str(Path(target).resolve())
