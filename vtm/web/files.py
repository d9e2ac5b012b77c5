"""Serving a file VTM made (an image, a sprite, a WebVTT, a CSV): its ETag, who may cache
it, and conditional requests as RFC 9110 says.

- `ETag` is strong, from the job, the file's name, size and modification time.
- `Cache-Control` is `public` when anyone may read the API, `private` when reads need
  the token (`VTM_API_TOKEN` with `VTM_API_TOKEN_READS=1`): a shared proxy must not
  hand a protected picture to someone without the token.
- `If-None-Match` (§13.1.2): `*`, a list of tags, weak `W/"…"` tags compared weakly;
  a match answers 304 to GET and HEAD. Without it, `If-Modified-Since` (§13.1.3) is
  honoured. HEAD answers the headers of GET (Starlette sends no body).
"""

from __future__ import annotations

import hashlib
from email.utils import parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from vtm import mediatypes
from vtm.config import Settings
from vtm.web.guard import reads_need_token

MAX_AGE_S = 3600


def file_response(request: Request, path: Path, tag: str, settings: Settings) -> Response:
    """`path` with its caching headers, or 304 when the client's copy is current. `tag`
    names the file for its ETag (the job id, and the file name when a job has several)."""
    stat = path.stat()
    headers = validators(f"{tag}:{stat.st_size}:{stat.st_mtime_ns}", settings)
    if request.method in ("GET", "HEAD") and not_modified(request, headers["ETag"], stat.st_mtime):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=mediatypes.of(path), headers=headers)


def bytes_response(request: Request, data: bytes, version: str, media_type: str, settings: Settings) -> Response:
    """`data` made on request (a poster at a width, a storyboard's JSON) with an ETag from
    `version` (what it was made from), or 304 when the client's copy is current."""
    return current_copy(request, version, settings) or \
        Response(data, media_type=media_type, headers=validators(version, settings))


def current_copy(request: Request, version: str, settings: Settings) -> Response | None:
    """The 304 for a GET or HEAD whose copy of `version` is current, else None: asked
    before the bytes are made, so a current client costs no work."""
    headers = validators(version, settings)
    if request.method in ("GET", "HEAD") and request.headers.get("if-none-match") is not None and \
            etag_matches(request.headers["if-none-match"], headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return None


def validators(version: str, settings: Settings) -> dict[str, str]:
    """The ETag of `version` and who may cache it: the headers every answer of ours has."""
    return {"ETag": entity_tag(version), "Cache-Control": cache_control(settings)}


def entity_tag(version: str) -> str:
    """A strong ETag for one version of a resource (the one ETag scheme of the API)."""
    return '"' + hashlib.sha1(version.encode()).hexdigest()[:20] + '"'


def cache_control(settings: Settings) -> str:
    """`private` when reads need the token: a shared proxy must not hand a protected
    picture to someone without it."""
    who = "private" if reads_need_token(settings) else "public"
    return f"{who}, max-age={MAX_AGE_S}"


def not_modified(request: Request, etag: str, mtime: float) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return int(mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False  # an unreadable date is ignored (RFC 9110 §13.1.3)


def etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2) of `etag` against an If-None-Match value."""
    if header.strip() == "*":
        return True
    return _opaque(etag) in {_opaque(tag) for tag in header.split(",")}


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
