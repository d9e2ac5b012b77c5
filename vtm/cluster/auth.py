"""Ray's token authentication, as `ray start` does it: a driver connecting to an
explicit address never turns token mode on by itself (it then fails with a
ConnectionError after 20 s), so the driver child turns it on when RAY_AUTH_MODE is
unset and a token is available. A token-mode driver also connects to a cluster
without authentication (measured with Ray 2.60), so this works either way."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path


def token_available(environ: MutableMapping[str, str], home: Path) -> bool:
    if environ.get("RAY_AUTH_TOKEN"):
        return True
    path = environ.get("RAY_AUTH_TOKEN_PATH")
    candidate = Path(path) if path else home / ".ray" / "auth_token"
    return candidate.is_file() and os.access(candidate, os.R_OK)


def enable_token_auth_if_available(environ: MutableMapping[str, str], home: Path) -> bool:
    """Set RAY_AUTH_MODE=token in `environ` (before Ray is imported) when it is unset
    and a token exists; returns whether token mode is on."""
    if "RAY_AUTH_MODE" in environ:
        return environ["RAY_AUTH_MODE"].lower() == "token"
    if token_available(environ, home):
        environ["RAY_AUTH_MODE"] = "token"
        return True
    return False
