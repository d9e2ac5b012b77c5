"""A job's options for people, with the labels of the form (`vtm.kinds`): the same
words in the form, the output's caption and the job's details — "Columns 4 · Rows 4 ·
Tile width 320", never `columns=4` or `fast=False`."""

from __future__ import annotations

from typing import Any

from vtm import kinds
from vtm.kinds.moment import Moment
from vtm.models import Job


def value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Moment):
        return value.text
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def described(job: Job, *, everything: bool = False) -> str:
    """`Label value` for each option on the kind's form (and, with `everything` or when
    it differs from its default, every other option), joined by ` · `."""
    kind = kinds.get(job.kind)
    options = job.options
    on_form = [name for row in kind.form for name in row]
    parts = []
    for name in kind.options.names():
        value = getattr(options, name)
        shown = name in on_form or everything or value_text(value) != value_text(kind.options.default(name))
        if name == "every" and bool(getattr(options, "count", None)):
            shown = False  # `Tiles` wins over `Every`
        if name == "count" and not value:
            shown = False
        if shown:
            parts.append(f"{kind.options.spec(name).label} {value_text(value)}")
    return " · ".join(parts)


def title(job: Job) -> str:
    """The kind's title, as on its tab: `Contact sheet`."""
    return kinds.get(job.kind).title
