"""Options per job kind: one canonical form per request (same picture, same job),
defaults filled in, and every bad value refused with a message."""

from __future__ import annotations

from typing import Any

import pytest

from vtm import params
from vtm.errors import InvalidInput
from vtm.models import JobKind, Video, VideoStatus

VIDEO = Video(id=1, filename="v.mp4", status=VideoStatus.COMPLETED, path="v.mp4", size=1, sha256="", width=1920, height=1080)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (JobKind.SHEET, {"grid": "4x4"}, {"columns": 4, "rows": "4"}),
        (JobKind.SHEET, {}, {"columns": 4, "rows": 4, "width": 320, "format": "jpeg", "fast": "true"}),
        (JobKind.STORYBOARD, {"every": "10"}, {}),
        (JobKind.STORYBOARD, {"count": 50, "every": 3}, {"count": "50"}),  # count wins
        (JobKind.PREVIEW, {"seconds": "1.2"}, {"seconds": 1.2000001}),
        (JobKind.SCENES, {"threshold": 3}, {"threshold": "3.0", "min_scene": 0.5}),
        (JobKind.THUMBNAIL, {"width": 320, "height": 0, "at": "50.0%"}, {"width": "320", "height": 180, "at": "50%"}),
    ],
)
def test_same_request_in_any_spelling_is_one_canonical_dict(kind: JobKind, a: dict[str, Any], b: dict[str, Any]) -> None:
    if kind is JobKind.THUMBNAIL:
        assert params.normalise(kind, VIDEO, a) == params.normalise(kind, VIDEO, b)
        return
    assert params.normalise(kind, VIDEO, a) == params.normalise(kind, VIDEO, b)
    assert set(params.normalise(kind, VIDEO, a)) == set(params.DEFAULTS[kind]) - {"grid"}


def test_thumbnail_keeps_the_first_frame_unless_asked() -> None:
    assert params.normalise(JobKind.THUMBNAIL, VIDEO, {"width": 100})["at"] == "0"


@pytest.mark.parametrize(
    ("kind", "options", "words"),
    [
        (JobKind.SHEET, {"grid": "4by4"}, "COLUMNSxROWS"),
        (JobKind.SHEET, {"columns": 0}, "between 1 and 12"),
        (JobKind.SHEET, {"width": 5000}, "between 32 and 1280"),
        (JobKind.SHEET, {"format": "bmp"}, "jpg, png, webp"),
        (JobKind.STORYBOARD, {"every": 0}, "between 0.1 and 3600"),
        (JobKind.STORYBOARD, {"every": "inf"}, "between 0.1 and 3600"),
        (JobKind.STORYBOARD, {"count": 5000}, "between 0 and 1000"),
        (JobKind.PREVIEW, {"moments": 12, "seconds": 5, "fps": 30}, "under 300"),
        (JobKind.PREVIEW, {"fast": True}, "Unknown option"),
        (JobKind.SCENES, {"threshold": 1.0}, "between 1.1 and 50"),
        (JobKind.SCENES, {"min_scene": "soon"}, "not a number"),
    ],
)
def test_bad_values_are_refused_with_a_message(kind: JobKind, options: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        params.normalise(kind, VIDEO, options)
    assert words in refused.value.message
