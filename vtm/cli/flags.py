"""A kind's options as command-line flags, from the same declaration the API and the
dashboard use (vtm.kinds.options): `--width`, `--min-scene`, `--fit {cover,...}`;
a flag that sets two fields (`--size 320x180`, `--grid 4x4`) where the kind has one."""

from __future__ import annotations

import argparse

from vtm.cli.errors import UsageError
from vtm.errors import VtmError
from vtm.kinds import Kind


def flag_of(kind: Kind, name: str) -> str | None:
    spec = kind.options.spec(name)
    if spec.flag == "":
        return None
    return spec.flag or "--" + name.replace("_", "-")


def add_flags(parser: argparse.ArgumentParser, kind: Kind) -> None:
    """One flag per option of `kind` (its help, choices and default from the option)."""
    for pair in kind.pairs:
        parser.add_argument(pair.flag, default=pair.default, help=_escape(pair.help))
    defaults = kind.options.defaults()
    for name in kind.options.names():
        flag = flag_of(kind, name)
        if flag is None:
            continue
        spec, kind_type = kind.options.spec(name), kind.options.types()[name]
        dest = f"option_{name}"
        if kind_type is bool:
            action = "store_false" if spec.inverted_flag else "store_true"
            parser.add_argument(flag, dest=dest, action=action, default=defaults[name], help=_escape(spec.help))
            continue
        default = spec.cli_default if spec.cli_default is not None else defaults[name]
        shown = f" (default {default})" if not spec.choices else ""
        parser.add_argument(flag, dest=dest, default=default, choices=list(spec.choices) or None,
                            metavar=None if spec.choices else name.upper(),
                            help=_escape(spec.help) + shown)


def options_from(args: argparse.Namespace, kind: Kind) -> dict[str, object]:
    """The request the flags make (checked later by the kind, as an API request is)."""
    raw: dict[str, object] = {}
    for pair in kind.pairs:
        try:
            raw[pair.fields[0]], raw[pair.fields[1]] = pair.parse(getattr(args, pair.flag.lstrip("-").replace("-", "_")))
        except VtmError as exc:
            raise UsageError(exc.message) from None
    for name in kind.options.names():
        if flag_of(kind, name) is not None:
            raw[name] = getattr(args, f"option_{name}")
    return raw


def _escape(text: str) -> str:
    return text.replace("%", "%%")
