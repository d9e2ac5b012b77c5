"""Short-lived upload tickets, so the dashboard can upload through `POST /api/videos`
when `VTM_API_TOKEN` is set, without ever sending the token to a browser.

The Upload page mints a ticket on the server (`mint`); its uploader sends it in the
`X-VTM-Upload-Ticket` header; the route accepts it (`valid`) for uploads only, until it
expires. A ticket is `<expiry>.<HMAC-SHA256(token, "upload:<expiry>")>`: it proves the
server made it and reveals nothing about the token.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-VTM-Upload-Ticket"
MAX_EXPIRY_DIGITS = 12  # seconds since 1970: 12 digits last until the year 33658
TTL_S = 12 * 3600  # a dashboard tab left open for a working day can still upload


def mint(token: str, *, now: float | None = None, ttl_s: int = TTL_S) -> str:
    expiry = int((time.time() if now is None else now) + ttl_s)
    return f"{expiry}.{_sign(token, expiry)}"


def valid(token: str, ticket: str, *, now: float | None = None) -> bool:
    expiry, _, signature = ticket.strip().partition(".")
    if not token or not signature or len(expiry) > MAX_EXPIRY_DIGITS or not (expiry.isascii() and expiry.isdigit()):
        return False
    if int(expiry) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(signature, _sign(token, int(expiry)))


def _sign(token: str, expiry: int) -> str:
    return hmac.new(token.encode(), f"upload:{expiry}".encode(), hashlib.sha256).hexdigest()
