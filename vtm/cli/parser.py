"""The `vtm` command line: its commands and their flags. The picture commands come
from the kinds registry (one per kind people can ask for), their flags from the kinds'
options. A command's code is loaded only when it runs (`run` names it), so `vtm --help`
and the picture commands never load the library's store or the server."""

from __future__ import annotations

import argparse
from pathlib import Path

from vtm import kinds
from vtm.cli.flags import add_flags

PICTURES = "vtm.cli.pictures:run_pictures"
SCENES = "vtm.cli.pictures:run_scenes"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vtm", description="VTM — Video Thumbnails Maker, from the shell.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, run: str, files: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(run=run)
        if files:
            p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="video files or folders of them")
            p.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help="folder for the results (default: .)")
            p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
        return p

    for kind in kinds.OUTPUT_KINDS:
        scenes = kind.name == "scenes"
        p = command(kind.name.value, kind.cli_help, SCENES if scenes else PICTURES)
        add_flags(p, kind)
        if scenes:  # a table on stdout; files only with -o
            p.add_argument("--csv", action="store_true", help="CSV on stdout")
            p.add_argument("--json", action="store_true", help="JSON on stdout")
            p.set_defaults(output=None)

    p = command("import", "Add local videos to the library by reference (no copy).", "vtm.cli.library:run_import", files=False)
    p.add_argument("folders", nargs="+", metavar="FOLDER", type=Path, help="folders (searched recursively) or files")
    p.add_argument("--api", metavar="URL", help="upload through a running server instead, e.g. http://localhost:8501")
    p.add_argument("--token", default=None, help="API token for --api (default: $VTM_API_TOKEN)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command("doctor", "Compare the data folder with the database; --repair fixes it without deleting a file.",
                "vtm.cli.doctor:run_doctor", files=False)
    p.add_argument("--repair", action="store_true",
                   help="register lost videos again, move unknown files to data/quarantine/<time>/ (never deletes)")
    p.add_argument("--json", action="store_true", help="the full report as JSON")
    p.add_argument("--api", metavar="URL", help="ask a running server instead, e.g. http://localhost:8501")
    p.add_argument("--token", default=None, help="API token for --api (default: $VTM_API_TOKEN)")

    p = command("sign", "Sign an image URL with VTM_URL_SIGNING_KEY, e.g. vtm sign /api/videos/1/thumbnail.jpg?width=320.",
                "vtm.cli.sign:run_sign", files=False)
    p.add_argument("url", metavar="URL", help="a path with its query, or a full URL")
    p.add_argument("--expires", default="1h", help="how long it stays valid: 90s, 10m, 1h, 2d or seconds (default 1h)")

    p = command("serve", "Start the dashboard, API and workers (same as `streamlit run app.py`).", "vtm.cli.library:run_serve",
                files=False)
    p.add_argument("streamlit_args", nargs="*", metavar="STREAMLIT_OPTION", help="passed on to streamlit, e.g. --server.port 8600")
    return parser
