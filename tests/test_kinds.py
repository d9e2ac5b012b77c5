"""Job kinds (vtm.kinds), as a specification: one registry of kinds; each kind's options
are one typed dataclass that checks a request, fills defaults, gives one canonical JSON
per request (same picture, same job) and refuses every bad value with a message; the
layout says once where an output goes; a thumbnail keeps the old service's file name."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from vtm import kinds
from vtm.errors import InvalidInput
from vtm.files import DataDir
from vtm.kinds.moment import Moment, parse_moment
from vtm.kinds.options import Options
from vtm.kinds.sheet import SheetOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind, Video, VideoStatus

VIDEO = Video(id=1, filename="v.mp4", status=VideoStatus.COMPLETED, path="v.mp4", size=1, sha256="", width=1920, height=1080,
              duration=60.0)


def test_every_job_kind_has_one_module_and_nothing_else() -> None:
    assert set(kinds.KINDS) == set(JobKind)
    assert [k.name for k in kinds.OUTPUT_KINDS] == [JobKind.THUMBNAIL, JobKind.SHEET, JobKind.STORYBOARD, JobKind.PREVIEW,
                                                    JobKind.SCENES]
    for kind in kinds.KINDS.values():
        assert is_dataclass(kind.options) and issubclass(kind.options, Options)
        assert kind.options.__dataclass_params__.frozen  # type: ignore[attr-defined]
        for f in fields(kind.options):
            spec = kind.options.spec(f.name)
            assert spec.label and spec.help, f"{kind.name}.{f.name} needs a label and a line of help"
        for row in kind.form:
            assert set(row) <= set(kind.options.names())


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (JobKind.SHEET, {"grid": "4x4"}, {"columns": 4, "rows": "4"}),
        (JobKind.SHEET, {}, {"columns": 4, "rows": 4, "width": 320, "format": "jpeg", "fast": "true"}),
        (JobKind.STORYBOARD, {"every": "10"}, {}),
        (JobKind.STORYBOARD, {"count": 50, "every": 3}, {"count": "50"}),  # count wins
        (JobKind.STORYBOARD, {"count": 50, "every": "soon"}, {"count": 50}),  # every is not read when count is given
        (JobKind.PREVIEW, {"seconds": "1.2"}, {"seconds": 1.2000001}),
        (JobKind.SCENES, {"threshold": 3}, {"threshold": "3.0", "min_scene": 0.5}),
        (JobKind.THUMBNAIL, {"width": 320, "height": 0, "at": "50.0%"}, {"width": "320", "height": 180, "at": "50%"}),
        (JobKind.THUMBNAIL, {"width": 320, "fit": "COVER", "format": "JPEG", "pad": "#FFFFFF"},
         {"width": 320, "height": "", "pad": "ffffff", "quality": None}),
        (JobKind.HANG, {"seconds": "5"}, {"seconds": 5.0}),
    ],
)
def test_same_request_in_any_spelling_is_one_canonical_json(kind: JobKind, a: dict[str, Any], b: dict[str, Any]) -> None:
    first, second = kinds.parse(kind, a, VIDEO), kinds.parse(kind, b, VIDEO)
    assert first == second and first.to_json() == second.to_json()
    assert kinds.decode(kind, json.loads(json.dumps(first.to_json()))) == first  # stored and read back: the same options


@pytest.mark.parametrize(
    ("kind", "request_", "stored"),
    [  # the canonical JSON of older versions: existing jobs are found again by the same request
        (JobKind.THUMBNAIL, {"width": 320},
         {"at": "0", "fast": False, "fit": "cover", "format": "jpg", "height": 180, "pad": "000000", "quality": 85, "width": 320}),
        (JobKind.SHEET, {}, {"columns": 4, "fast": True, "format": "jpg", "quality": 85, "rows": 4, "width": 320}),
        (JobKind.STORYBOARD, {"count": 12},
         {"columns": 10, "count": 12, "every": 0.0, "fast": True, "quality": 75, "rows": 10, "width": 160}),
        (JobKind.PREVIEW, {}, {"fps": 8, "moments": 4, "quality": 70, "seconds": 1.2, "width": 320}),
        (JobKind.SCENES, {}, {"min_scene": 0.5, "threshold": 3.0, "width": 320}),
        (JobKind.HOG, {}, {}),
        (JobKind.HANG, {"seconds": 2}, {"seconds": 2.0}),
    ],
)
def test_canonical_json_is_the_one_older_versions_stored(kind: JobKind, request_: dict[str, Any], stored: dict[str, Any]) -> None:
    canonical = json.dumps(kinds.parse(kind, request_, VIDEO).to_json(), sort_keys=True, separators=(",", ":"))
    assert canonical == json.dumps(stored, sort_keys=True, separators=(",", ":"))


def test_thumbnail_keeps_the_first_frame_unless_asked_and_derives_the_missing_side_once() -> None:
    options = kinds.parse(JobKind.THUMBNAIL, {"width": 100}, VIDEO)
    assert isinstance(options, ThumbnailOptions)
    assert options.at == Moment() and options.at.text == "0"
    assert (options.width, options.height) == (100, 56)  # 1920x1080: stored with both sides
    assert kinds.parse(JobKind.THUMBNAIL, {"height": 90}, VIDEO).to_json()["width"] == 160


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
        (JobKind.THUMBNAIL, {}, "Give a width, a height, or both"),
        (JobKind.THUMBNAIL, {"width": 10, "at": "150%"}, "between 0% and 100%"),
        (JobKind.THUMBNAIL, {"width": 10, "at": "soon"}, "seconds (12.5), a percentage (40%) or auto"),
        (JobKind.THUMBNAIL, {"width": 10, "pad": "red"}, "hex colour"),
        (JobKind.THUMBNAIL, {"width": 10, "fit": "zoom"}, "cover, contain, stretch"),
        (JobKind.THUMBNAIL, {"width": 10, "fast": "maybe"}, "true or false"),
        (JobKind.THUMBNAIL, {"width": 99999}, "between 0 and 7680"),
        (JobKind.THUMBNAIL, {"width": 1, "height": 1, "size": "big"}, "Unknown option(s): size"),
    ],
)
def test_bad_values_are_refused_with_a_message(kind: JobKind, options: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        kinds.parse(kind, options, VIDEO)
    assert words in refused.value.message


@pytest.mark.parametrize(
    ("kind", "options", "refused"),
    [
        (JobKind.SHEET, {"columns": "4"}, True),
        (JobKind.SHEET, {"columns": 4.5}, True),
        (JobKind.SHEET, {"columns": True}, True),
        (JobKind.SHEET, {"columns": 4, "grid": "4x4", "fast": False}, False),
        (JobKind.SHEET, {"grid": 4}, True),
        (JobKind.STORYBOARD, {"every": 2}, False),  # a whole number is a number
        (JobKind.THUMBNAIL, {"at": 12.5, "width": 10}, False),  # a time may be a number
        (JobKind.THUMBNAIL, {"width": "10"}, True),
        (JobKind.THUMBNAIL, {"width": None}, False),  # null: the default
    ],
)
def test_options_sent_as_json_must_have_their_json_type(kind: JobKind, options: dict[str, Any], refused: bool) -> None:
    check = kinds.get(kind).options.check_json
    if refused:
        with pytest.raises(InvalidInput, match="send "):
            check(options)
    else:
        check(options)


@pytest.mark.parametrize(
    ("text", "seconds"), [("0", 0.0), ("first", 0.0), ("12.5", 12.5), ("40%", 24.0), ("100%", 59.999), ("90000", 59.999),
                          ("auto", None)],
)
def test_a_moment_is_parsed_once_and_resolved_inside_the_video(text: str, seconds: float | None) -> None:
    moment = parse_moment("at", text)
    assert moment.seconds(60.0) == (pytest.approx(seconds) if seconds is not None else None)
    assert parse_moment("at", moment.text) == moment


def test_a_kind_says_once_where_its_output_goes(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    thumb = kinds.parse(JobKind.THUMBNAIL, {"width": 320, "height": 180}, VIDEO)
    other = kinds.parse(JobKind.THUMBNAIL, {"width": 320, "height": 180, "at": "auto", "format": "png"}, VIDEO)
    assert kinds.get(JobKind.THUMBNAIL).output_path(data, 7, 3, thumb) == data.root / "thumbnails" / "thumbnail_3_320_180.jpg"
    assert kinds.get(JobKind.THUMBNAIL).output_path(data, 8, 3, other).name == "thumbnail_3_320_180_at-auto.png"
    for kind in (JobKind.SHEET, JobKind.STORYBOARD, JobKind.PREVIEW, JobKind.SCENES):
        assert not kinds.get(kind).single_file
        assert kinds.get(kind).output_path(data, 7, 3, kinds.parse(kind, {}, VIDEO)) == data.root / "outputs" / "7"
    assert kinds.get(JobKind.SHEET).main(SheetOptions(format="png")) == "sheet.png"
    assert kinds.get(JobKind.STORYBOARD).main(StoryboardOptions()) == "storyboard.vtt"
    assert [k.name for k in kinds.OUTPUT_KINDS if k.linked] == [JobKind.STORYBOARD, JobKind.SCENES]


def test_kinds_are_named_as_requests_name_them() -> None:
    assert kinds.by_name("sheet").name is JobKind.SHEET
    with pytest.raises(InvalidInput, match="use one of thumbnail, sheet, storyboard, preview, scenes"):
        kinds.by_name("gif")
    with pytest.raises(InvalidInput, match="only for tests"):
        kinds.by_name("crash")
    assert kinds.by_name("crash", test_hooks=True).test_hook


def test_forms_start_from_suggestions() -> None:
    assert ThumbnailOptions.suggestions(VIDEO) == {"width": 320, "height": None, "at": "auto"}
    assert StoryboardOptions.suggestions(VIDEO) == {"every": 1.5}  # about 40 tiles over 60 s
    assert StoryboardOptions.suggestions(None) == {}


# -- the same declaration is the API's schema and the CLI's flags --------------------------
@pytest.mark.parametrize("kind", kinds.OUTPUT_KINDS, ids=[k.name.value for k in kinds.OUTPUT_KINDS])
def test_the_api_schema_is_generated_from_the_options(kind: kinds.Kind) -> None:
    from vtm.web import schemas
    from vtm.web.openapi import document

    component = document()["components"]["schemas"][schemas.component_name(kind)]
    assert set(component["properties"]) == {*kind.options.names(), *kind.options.aliases}
    for name in kind.options.names():
        spec, prop = kind.options.spec(name), component["properties"][name]
        assert (prop["title"], prop["description"]) == (spec.label, spec.help)
        assert prop.get("minimum") == spec.low and prop.get("maximum") == spec.high
        assert prop.get("enum", []) == list(spec.choices)
    body = document()["paths"]["/api/videos/{video_id}/outputs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert kind.name.value in [variant["properties"]["kind"]["enum"][0] for variant in body["oneOf"]]


@pytest.mark.parametrize(
    ("argv", "request_"),
    [
        (["thumbnail", "x.mp4", "--size", "320x0", "--at", "40%", "--fit", "contain", "--pad", "#FFFFFF", "--fast"],
         {"width": 320, "at": "40%", "fit": "contain", "pad": "ffffff", "fast": True}),
        (["sheet", "x.mp4", "--grid", "3x2", "--width", "100", "--exact", "--format", "png"],
         {"grid": "3x2", "width": 100, "fast": False, "format": "png"}),
        (["storyboard", "x.mp4", "--count", "30", "--grid", "5x2", "--quality", "60"],
         {"count": 30, "columns": 5, "rows": 2, "quality": 60}),
        (["preview", "x.mp4", "--moments", "2", "--seconds", "0.4", "--fps", "10"], {"moments": 2, "seconds": 0.4, "fps": 10}),
        (["scenes", "x.mp4", "--min-scene", "2", "--threshold", "4"], {"min_scene": 2, "threshold": 4}),
    ],
)
def test_cli_flags_are_generated_from_the_options_and_mean_the_same(argv: list[str], request_: dict[str, Any]) -> None:
    from vtm.cli.flags import flag_of, options_from
    from vtm.cli.parser import build_parser

    kind = kinds.get(JobKind(argv[0]))
    args = build_parser().parse_args(argv)
    from_flags = kinds.parse(kind.name, options_from(args, kind), VIDEO)
    assert from_flags == kinds.parse(kind.name, request_, VIDEO)  # the API request with the same values
    help_text = build_parser()._subparsers._group_actions[0].choices[argv[0]].format_help()  # type: ignore[union-attr]
    for name in kind.options.names():
        flag = flag_of(kind, name)
        assert flag is None or flag in help_text
    for pair in kind.pairs:
        assert pair.flag in help_text
