"""Job kinds: one module each, listed here once.

    thumbnail.py  sheet.py  storyboard.py  preview.py  scenes.py  hooks.py (test kinds)

Each module has a `KIND` (`vtm.kinds.base.Kind`): its options (a dataclass declared with
`vtm.kinds.options`, the single source of the API schema, the form and the CLI flags),
its output layout and its runner. Everything else — the service, the workers, the API,
the dashboard, the CLI — asks this registry, so a new kind is a new module, a member of
`vtm.models.JobKind` and a line in `KINDS` (plus its tests).
"""

from __future__ import annotations

from collections.abc import Mapping

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.kinds import hooks, preview, scenes, sheet, storyboard, thumbnail
from vtm.kinds.base import Kind
from vtm.kinds.options import JSON, Options, RawOptions, VideoShape
from vtm.models import JobKind

KINDS: dict[JobKind, Kind] = {
    kind.name: kind for kind in (thumbnail.KIND, sheet.KIND, storyboard.KIND, preview.KIND, scenes.KIND, *hooks.KINDS)
}
OUTPUT_KINDS = tuple(kind for kind in KINDS.values() if not kind.test_hook)  # what people can ask for

__all__ = ["KINDS", "OUTPUT_KINDS", "Kind", "Options", "by_name", "decode", "get", "parse"]


def get(kind: JobKind) -> Kind:
    return KINDS[kind]


def by_name(value: object, *, test_hooks: bool = False) -> Kind:
    """The kind a request names; InvalidInput listing the kinds people can ask for."""
    for kind in KINDS.values():
        if value == kind.name.value and (test_hooks or not kind.test_hook):
            return kind
    if any(value == kind.name.value for kind in KINDS.values()):
        raise InvalidInput(f"kind={value} is only for tests (VTM_TEST_HOOKS=1).")
    raise InvalidInput(f"kind={parsing.shown(value)}: use one of {', '.join(k.name.value for k in OUTPUT_KINDS)}.")


def parse(kind: JobKind, raw: RawOptions, video: VideoShape) -> Options:
    """Checked options of `kind` for `video` from a request."""
    return get(kind).options.parse(raw, video)


def decode(kind: JobKind, data: Mapping[str, JSON]) -> Options:
    """Options of a stored job from their canonical JSON."""
    return get(kind).options.from_json(data)
