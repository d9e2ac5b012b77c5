"""Signed image URLs: an HMAC-SHA256 over the URL's path and query, with an expiry, as
imgproxy and the hosted video services sign theirs, so a page can embed a VTM picture
URL that nobody can alter (another size, another video) or use after it expires.

A signed URL carries two more query parameters: `expires` (Unix time, seconds) and
`signature` (base64url, no padding, of HMAC-SHA256(key, message)). The message is
`v1`, the percent-decoded path, and every query parameter but `signature` (`expires`
included), decoded, sorted, and re-encoded, one per line:

    v1\\n/api/videos/1/thumbnail.jpg\\nexpires=1767225600&width=320

so the order of the parameters and the spelling of their encoding do not matter, and the
host does not either (a URL stays valid behind a proxy). A URL whose signature is absent
is "missing", one whose signature does not match is "wrong", and only an authentic URL
can be "expired" (nothing is told about a forged one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from vtm.errors import Forbidden, InvalidInput

SIGNATURE, EXPIRES = "signature", "expires"
MIN_KEY_LENGTH = 16
MAX_EXPIRES_S = 366 * 86_400
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION = re.compile(r"([0-9]{1,9})([smhd]?)")


def check_key(key: str) -> None:
    if len(key) < MIN_KEY_LENGTH:
        raise InvalidInput(f"a URL signing key needs at least {MIN_KEY_LENGTH} characters (use a long random string)")


def parse_expires(text: str) -> int:
    """Seconds for `90s`, `10m`, `1h`, `2d` or a plain number of seconds; 1 s to 366 days."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match:
        raise InvalidInput(f"--expires takes a duration such as 90s, 10m, 1h, 2d or a number of seconds, not {text!r}")
    seconds = int(match.group(1)) * UNITS[match.group(2) or "s"]
    if not 1 <= seconds <= MAX_EXPIRES_S:
        raise InvalidInput(f"--expires must be between 1 second and {MAX_EXPIRES_S // 86_400} days, not {text!r}")
    return seconds


def _message(path: str, pairs: list[tuple[str, str]]) -> bytes:
    query = urlencode(sorted(p for p in pairs if p[0] != SIGNATURE), quote_via=quote, safe="")
    return f"v1\n{quote(unquote(path), safe='/')}\n{query}".encode()


def _signature(key: str, path: str, pairs: list[tuple[str, str]]) -> str:
    check_key(key)
    digest = hmac.new(key.encode(), _message(path, pairs), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(url: str, key: str, expires_at: int) -> str:
    """`url` (a path with its query, or a full URL) with `expires` and `signature` added.
    Any `expires` or `signature` already there is replaced."""
    parts = urlsplit(url)
    pairs = [p for p in parse_qsl(parts.query, keep_blank_values=True) if p[0] not in (SIGNATURE, EXPIRES)]
    pairs.append((EXPIRES, str(int(expires_at))))
    pairs.append((SIGNATURE, _signature(key, parts.path, pairs)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, quote_via=quote, safe=""), ""))


def verify(path: str, query: str, key: str, now: float) -> None:
    """Raise Forbidden (code signature_missing, signature_wrong or signature_expired)
    unless `path` + `query` (as received) carry a valid signature that has not expired."""
    pairs = parse_qsl(query, keep_blank_values=True)
    signatures = [v for k, v in pairs if k == SIGNATURE]
    expiries = [v for k, v in pairs if k == EXPIRES]
    if not signatures or not expiries:
        raise Forbidden("this URL needs a signature: sign it with `vtm sign URL --expires 1h`, or send the API token",
                        code="signature_missing")
    expected = _signature(key, path, pairs)
    if (len(signatures) != 1 or len(expiries) != 1 or not (expiries[0].isascii() and expiries[0].isdigit())
            or not hmac.compare_digest(signatures[0].encode(), expected.encode())):
        raise Forbidden("this URL's signature is wrong: the URL was changed after it was signed, or signed with "
                        "another key", code="signature_wrong")
    if now > int(expiries[0]):
        when = datetime.fromtimestamp(int(expiries[0]), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        raise Forbidden(f"this signed URL expired at {when}: ask for a new one", code="signature_expired")
