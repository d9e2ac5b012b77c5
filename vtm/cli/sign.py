"""`vtm sign URL --expires 1h`: an image URL signed with VTM_URL_SIGNING_KEY (vtm.signing),
valid until it expires (`90s`, `10m`, `1h`, `2d` or seconds; 1 s to 366 days). The key
comes from the environment only, never from the command line (it would stay in the
shell's history)."""

from __future__ import annotations

import argparse
import time

from vtm import signing
from vtm.cli.errors import OK, UsageError
from vtm.config import Settings
from vtm.errors import VtmError


def run_sign(args: argparse.Namespace) -> int:
    try:
        key = Settings.from_env().url_signing_key
        if not key:
            raise UsageError("set VTM_URL_SIGNING_KEY (the server's key) in the environment to sign URLs")
        seconds = signing.parse_expires(args.expires)
        print(signing.sign(args.url, key, int(time.time()) + seconds))
    except VtmError as exc:
        raise UsageError(exc.message) from None
    return OK
