"""What a job kind is: `Kind`, one per module of `vtm.kinds`.

A kind owns its options (`options`, a dataclass of `vtm.kinds.options`), its output
layout and its runner (`make`: the files of one output, made in the decoder child or by
the CLI). Its layout is said once here, for every place that writes, lists, serves or
removes an output:

- `single_file` (thumbnails): the output is one file in data/thumbnails/, named by its
  video and options as the old service named them (`vtm.files.thumbnail_name`); the
  CLI writes it as `<stem>.<format>`;
- otherwise: a folder data/outputs/<job_id>/ of files, `main` first; the CLI writes
  them as `<stem>.<file name>`, or keeps them in a folder `<stem>.<kind>/` when they
  refer to each other by name (`linked`: a WebVTT and its sprites).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vtm.kinds.options import Options
from vtm.models import JobKind, JobOptions, VideoInfo

if TYPE_CHECKING:
    from vtm.files import DataDir
    from vtm.tasks import Task

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Make:
    """What making one output needs. `info` when the caller probed the file already (the
    CLI); a kind that needs it and gets None probes the file itself."""

    source: Path
    options: Any  # the kind's own Options subclass
    duration: float | None
    info: VideoInfo | None = None
    url_prefix: str = ""  # how the output's files name each other (a VTT's sprite URLs)
    progress: Progress | None = None


@dataclass(frozen=True)
class Pair:
    """A CLI flag that sets two fields at once: `--size 320x180`, `--grid 4x4`."""

    flag: str
    fields: tuple[str, str]
    default: str
    help: str
    parse: Callable[[str], tuple[int, int]]


@dataclass(frozen=True)
class Kind:
    name: JobKind
    options: type[Options]
    title: str  # the dashboard's tab and the API's schema title
    icon: str  # a Material icon for the tab
    request_label: str  # the form's button
    form: tuple[tuple[str, ...], ...]  # the form's rows of fields
    cli_help: str  # `vtm <kind> --help`
    make: Callable[[Make], dict[str, bytes]]  # the output's files by name, the main one first
    main: Callable[[Any], str]  # the main file's name, from the options
    single_file: bool = False
    linked: bool = False
    pairs: tuple[Pair, ...] = ()
    test_hook: bool = False  # crash/hang/hog: only with VTM_TEST_HOOKS=1
    run: Callable[[Task, Progress], str] | None = field(default=None)  # a runner of its own (test hooks)

    def output_path(self, data: DataDir, job_id: int, video_id: int, options: JobOptions) -> Path:
        """Where a job's output goes in the data folder."""
        if self.single_file:
            return data.thumbnail_path(video_id, options.to_json(), self.options.defaults())
        return data.output_dir(job_id)

    def remove_output(self, data: DataDir, job_id: int, video_id: int, options: JobOptions) -> None:
        """Remove what a job made (its video was deleted, or its result was refused)."""
        from vtm.files import remove_tree

        path = self.output_path(data, job_id, video_id, options)
        if self.single_file:
            path.unlink(missing_ok=True)
        else:
            remove_tree(path)

    def files_in(self, output: Path) -> list[Path]:
        """The files of a finished output, given its main file: the main one first."""
        if self.single_file:
            return [output]
        return [output, *sorted(p for p in output.parent.iterdir() if p.is_file() and p != output
                                and not p.name.startswith("."))]
