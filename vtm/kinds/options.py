"""How a job kind declares its options: one frozen dataclass whose fields carry their
label, help, bounds and choices. That declaration is the single source for checking a
request, the canonical JSON stored with the job, the API's JSON schema, the
dashboard's form and the CLI's flags.

    @dataclass(frozen=True)
    class SheetOptions(Options):
        columns: int = option(4, label="Columns", help="Tiles across.", low=1, high=12)

A request (API JSON, query string, form, CLI flags) is checked by `Options.parse`:
unknown names are refused, a missing or null value takes the default, each value is
parsed by its field's type within its bounds (`vtm.parsing`: no 5000-digit numbers, no
NaN), then the kind's `refine` applies rules across fields (a width derived from the
video's aspect, `count` wins over `every`) and `check_size` the output size limits.
The same request in any spelling gives equal options, hence equal canonical JSON and
the same job.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Protocol, Self, TypeVar, cast

from vtm import parsing
from vtm.errors import InvalidInput
from vtm.kinds.moment import Moment

JSON = str | int | float | bool | None
T = TypeVar("T", bound="Options")
RawOptions = Mapping[str, object]  # a request's options as sent, before checking


class VideoShape(Protocol):
    """What checking options needs to know of a video (a `Video` or a probed `VideoInfo`)."""

    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def duration(self) -> float | None: ...


@dataclass(frozen=True)
class Spec:
    """What a field says about itself, beyond its type and default."""

    label: str  # the one name people see: form, caption, job details
    help: str  # one line: form help, CLI --help, API schema description
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # spellings taken for a choice: ("jpeg", "jpg")
    parse: Callable[[str, object], Any] | None = None  # a parser of its own (a time, a colour)
    json_types: tuple[type, ...] | None = None  # JSON types accepted, when not the field's own
    blank_is_default: bool = False  # "" means the default too (a side left empty keeps the aspect)
    step: float | None = None  # the form's step
    placeholder: str = ""
    pattern: str = ""  # what a text looks like, for the API schema
    cli_default: object = None  # the CLI's default when it differs from the field's (`--at auto`)
    flag: str | None = None  # the CLI flag when it is not `--<name>`; "" for none
    inverted_flag: bool = False  # the flag sets False: `--exact` for `fast`
    omit_default: bool = False  # left out of the canonical JSON at its default (an option added later)


def option(default: object, *, label: str, help: str, **spec: Any) -> Any:
    """A field of an options dataclass: its default and its `Spec`."""
    return field(default=default, metadata={"spec": Spec(label=label, help=help, **spec)})


@dataclass(frozen=True)
class Options:
    """The base of every kind's options. Subclasses are frozen dataclasses of `option`s."""

    aliases: ClassVar[tuple[str, ...]] = ()  # other names a request may use (`grid` for columns x rows)

    # -- reading a request ---------------------------------------------------------------
    @classmethod
    def parse(cls, raw: RawOptions, video: VideoShape) -> Self:
        """Checked options from a request; InvalidInput says what is wrong and how to fix it."""
        known = {*cls.names(), *cls.aliases}
        unknown = sorted(str(name) for name in set(raw) - known)
        if unknown:
            names = parsing.shown(", ".join(unknown), 80).strip("'")
            raise InvalidInput(f"Unknown option(s): {names}. Known: {', '.join(sorted(known))}.")
        values = cls.prepare(raw)
        parsed = {name: cls.parse_value(name, values.get(name)) for name in cls.names()}
        options = cls.refine(parsed, video)
        options.check_size(video)
        return options

    @classmethod
    def prepare(cls, raw: RawOptions) -> dict[str, object]:
        """The request with its aliases replaced by the fields they stand for."""
        return dict(raw)

    @classmethod
    def parse_value(cls, name: str, value: object) -> Any:
        """One field's value from a request: the default when absent (or null); an
        InvalidInput names the field (`field`)."""
        try:
            return cls._parse_value(name, value)
        except InvalidInput as exc:
            exc.field = exc.field or name
            raise

    @classmethod
    def _parse_value(cls, name: str, value: object) -> Any:
        spec, kind, default = cls.spec(name), cls.types()[name], cls.default(name)
        if value is None or (value == "" and (spec.blank_is_default or kind is str)):
            return default
        if spec.parse is not None:
            return spec.parse(name, value)
        if kind is bool:
            return parse_bool(name, value)
        if kind is int:
            return parsing.whole(name, value, int(_bound(spec.low, -(10**18))), int(_bound(spec.high, 10**18)))
        if kind is float:
            return round(parsing.decimal(name, value, _bound(spec.low, -1e18), _bound(spec.high, 1e18)), 3) + 0.0
        if spec.choices:
            text = parsing.text(name, value).strip().lower()
            text = dict(spec.aliases).get(text, text)
            if text not in spec.choices:
                raise InvalidInput(f"{name}={parsing.shown(text)}: use one of {', '.join(spec.choices)}.")
            return text
        return parsing.text(name, value)

    @classmethod
    def refine(cls, values: dict[str, Any], video: VideoShape) -> Self:
        """Rules across fields, after each was parsed; by default none."""
        return cls(**values)

    def check_size(self, video: VideoShape) -> None:
        """Raise OutputTooLarge when the output for `video` would pass a limit (vtm.kinds.limits)."""

    @classmethod
    def check_json(cls, raw: RawOptions) -> None:
        """Options that came as JSON must have their JSON type: `"columns": "4"` or
        `"columns": 4.5` is refused (422), not read as a number. `null` means the default;
        unknown names are left to `parse`, which lists the known ones."""
        for name, value in raw.items():
            types = cls.json_types(name)
            if value is None or types is None:
                continue
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                wanted = " or ".join(_JSON_NAMES[t] for t in types)
                given = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer"}
                raise InvalidInput(f"{name}={parsing.shown(value)}: send {wanted}, not {given.get(type(value), 'a number')}.")

    @classmethod
    def json_types(cls, name: str) -> tuple[type, ...] | None:
        if name not in cls.names():
            return (str,) if name in cls.aliases else None
        spec = cls.spec(name)
        return spec.json_types or _JSON_TYPES.get(cls.types()[name])

    # -- the stored form -----------------------------------------------------------------
    def to_json(self) -> dict[str, JSON]:
        """The canonical JSON: what the job row stores and compares, and what the API shows."""
        out: dict[str, JSON] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            spec: Spec = f.metadata["spec"]
            if spec.omit_default and value == f.default:
                continue
            out[f.name] = value.text if isinstance(value, Moment) else value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> Self:
        """Options from their canonical JSON (a stored job): trusted, not checked again."""
        values: dict[str, Any] = {}
        for name in cls.names():
            if name in data:
                spec = cls.spec(name)
                value = data[name]
                values[name] = spec.parse(name, value) if spec.parse is not None and value is not None else value
        return cls(**values)

    # -- for people: forms, captions, the Jobs table --------------------------------------
    @classmethod
    def suggestions(cls, video: VideoShape | None = None) -> dict[str, object]:
        """Values a form starts with (and the CLI, without a video) where they differ from
        the defaults the API fills in: a thumbnail form offers 320 px and `auto`."""
        return {}

    def summary(self) -> str:
        """The gist of these options in a few words (the Jobs table's "size" column)."""
        return ""

    def shown_size(self) -> tuple[int | None, int | None]:
        """(width, height) the API's job JSON shows; None where the kind has no such side."""
        return getattr(self, "width", None), getattr(self, "height", None)

    # -- the declaration ---------------------------------------------------------------------
    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def spec(cls, name: str) -> Spec:
        return _specs(cast(type, cls))[name]

    @classmethod
    def default(cls, name: str) -> Any:
        return next(f.default for f in fields(cls) if f.name == name)

    @classmethod
    def types(cls) -> dict[str, type]:
        return _types(cast(type, cls))

    @classmethod
    def defaults(cls) -> dict[str, JSON]:
        """The canonical JSON of the defaults (what a thumbnail's file name leaves out)."""
        out: dict[str, JSON] = {}
        for f in fields(cls):
            default: Any = f.default  # every option has one (`option(default, ...)`)
            out[f.name] = default.text if isinstance(default, Moment) else default
        return out


def parse_bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise InvalidInput(f"{name}={parsing.shown(value)}: use true or false.")


def _bound(value: float | None, fallback: float) -> float:
    return fallback if value is None else value


@functools.cache
def _specs(cls: type) -> dict[str, Spec]:
    return {f.name: f.metadata["spec"] for f in fields(cls)}


@functools.cache
def _types(cls: type) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    out: dict[str, type] = {}
    for f in fields(cls):
        hint = hints[f.name]
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        out[f.name] = args[0] if args else hint  # `float | None` is a float that may be absent
    return out


_JSON_TYPES: dict[type, tuple[type, ...]] = {bool: (bool,), int: (int,), float: (int, float), str: (str,)}
_JSON_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
