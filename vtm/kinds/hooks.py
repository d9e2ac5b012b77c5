"""Kinds that misbehave on purpose, for tests of the executor and the workers: `crash`
(the decoder aborts), `hang` (sleeps `seconds`), `hog` (allocates `mb` megabytes).
The service accepts them only with VTM_TEST_HOOKS=1."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from vtm.kinds.base import Kind, Make, Progress
from vtm.kinds.options import Options, option
from vtm.models import JobKind

if TYPE_CHECKING:
    from vtm.tasks import Task


@dataclass(frozen=True)
class HookOptions(Options):
    seconds: float | None = option(None, label="Seconds", help="How long `hang` sleeps.", low=0, high=100_000,
                                   omit_default=True)
    mb: float | None = option(None, label="Megabytes", help="How much `hog` allocates.", low=0, high=100_000,
                              omit_default=True)


def _crash(task: Task, progress: Progress) -> str:
    os.abort()


def _hang(task: Task, progress: Progress) -> str:
    options = cast(HookOptions, task.options)
    time.sleep(options.seconds if options.seconds is not None else 3600)
    return task.dest


def _hog(task: Task, progress: Progress) -> str:
    options = cast(HookOptions, task.options)
    hoard = []
    for _ in range(int(options.mb if options.mb is not None else 100_000)):
        hoard.append(bytearray(1024 * 1024))
    return task.dest


def _nothing(request: Make) -> dict[str, bytes]:
    return {}


def _hook(name: JobKind, run: object) -> Kind:
    return Kind(name=name, options=HookOptions, title=str(name), icon=":material/bug_report:", request_label=str(name),
                form=(), cli_help="", make=_nothing, main=lambda options: "", test_hook=True, run=run)  # type: ignore[arg-type]


KINDS = (_hook(JobKind.CRASH, _crash), _hook(JobKind.HANG, _hang), _hook(JobKind.HOG, _hog))
