"""`vtm` / `python -m vtm`: VTM's outputs from the shell, no server needed.

    vtm thumbnail FILE... --size 320x180 --at auto --fit cover -o DIR
    vtm sheet FILE... --grid 4x4
    vtm storyboard FILE... --every 10
    vtm preview FILE...
    vtm scenes FILE... --csv
    vtm import FOLDER...            (adds videos to the library by reference)
    vtm doctor [--repair]           (compares the data folder with the database)
    vtm sign URL --expires 1h       (an image URL signed with VTM_URL_SIGNING_KEY)
    vtm serve                       (the dashboard + API: streamlit run app.py)

Exit codes: 0 all went well, 1 some inputs failed (each named with its reason on
stderr), 2 usage error. The picture commands import neither Streamlit nor DuckDB, so
they start fast; `import` and `serve` load them when they run.

    parser.py    commands and flags (picture commands from the kinds registry)
    flags.py     a kind's options as flags          pictures.py  the picture commands
    library.py   import and serve                   doctor.py    vtm doctor
    upload.py    uploads to a running server        scenes_table.py  scenes on stdout
    progress.py  the progress bar                   errors.py    exit codes
    sign.py      vtm sign
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from vtm.cli.errors import USAGE, UsageError


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"] and not set(argv[1:2]) & {"-h", "--help"}:
        # Everything after `serve` goes to streamlit untouched (argparse would eat `--server.*`).
        return _load("vtm.cli.library:run_serve")(argparse.Namespace(command="serve", streamlit_args=argv[1:]))
    from vtm.cli.parser import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(_load(args.run)(args))
    except UsageError as exc:
        parser.error(str(exc))  # exits 2
    except KeyboardInterrupt:
        print("vtm: interrupted", file=sys.stderr)
        return 130


def _load(target: str) -> Callable[[argparse.Namespace], int]:
    """The command function `module:name`, imported when it runs."""
    module, _, name = target.partition(":")
    function: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return function
