"""The OpenAPI description of the image URLs and the poster (vtm.web.routes.images,
vtm.web.routes.posters), merged into vtm.web.openapi's document."""

from __future__ import annotations

from typing import Any

from vtm.web import mux

ERROR = {"$ref": "#/components/schemas/Error"}
VIDEO = {"application/json": {"schema": {"$ref": "#/components/schemas/Video"}}}
JOB = {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
SIGNED = ("With VTM_URL_SIGNING_KEY set, the URL needs `expires` and `signature` (vtm sign URL) unless the API token "
          "is sent: missing, wrong or expired is 403 with code signature_missing / signature_wrong / signature_expired.")
WAITS = ("The first request asks for the job at high priority and waits for it (VTM_IMAGE_WAIT_S); when it is not done "
         "by then: 202 with Retry-After and the job. The same parameters are the same job and file as the POST API's.")


def _id() -> dict[str, Any]:
    return {"name": "video_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


def _fmt(formats: tuple[str, ...]) -> dict[str, Any]:
    return {"name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": list(formats)},
            "description": "the file's extension"}


def _q(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


SIGNATURE = [_q("expires", {"type": "integer"}, "Unix time the signature expires"),
             _q("signature", {"type": "string"}, "base64url HMAC-SHA256 (vtm sign)")]


def _responses(content: dict[str, Any], *errors: str) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "the file", "content": content},
                           "202": {"description": "not made yet: retry after Retry-After seconds", "content": JOB},
                           "304": {"description": "the client's copy is current (ETag)"}}
    for code in ("403", "404", "409", "422", *errors):
        out[code] = {"description": "error", "content": {"application/json": {"schema": ERROR}}}
    return out


def _get(summary: str, parameters: list[dict[str, Any]], content: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "description": f"{WAITS} {SIGNED}", "parameters": [*parameters, *SIGNATURE],
                    "responses": _responses(content)}}


EXPORT = [_q("every", {"type": "number", "minimum": 0.1}, "seconds between frames (default 10)"),
          _q("width", {"type": "integer", "minimum": 32, "maximum": 640}, "frame width (default 320)")]


def paths() -> dict[str, Any]:
    num = {"type": "number", "minimum": 0}
    side = {"type": "integer", "minimum": 1}
    flag = {"type": "string", "enum": ["true", "false", "1", "0"]}
    return {
        "/api/videos/{video_id}/thumbnail.{fmt}": _get(
            "A thumbnail by URL, with Mux's parameters", [
                _id(), _fmt(mux.IMAGE_FORMATS),
                _q("time", num, "seconds (default: the chosen poster's time, else the middle)"),
                _q("width", side), _q("height", side, "one side alone keeps the aspect"),
                _q("fit_mode", {"type": "string", "enum": list(mux.FIT_MODES)}, "with both sides (default preserve)"),
                _q("rotate", {"type": "integer", "enum": [90, 180, 270]}, "clockwise, before fitting"),
                _q("flip_h", flag, "mirror left-right"), _q("flip_v", flag, "mirror top-bottom")],
            {"image/jpeg": {}, "image/png": {}, "image/webp": {}}),
        "/api/videos/{video_id}/animated.{fmt}": _get(
            "An animated GIF or WebP by URL, with Mux's parameters", [
                _id(), _fmt(mux.ANIMATED_FORMATS), _q("start", num, "seconds (default 0)"),
                _q("end", num, "seconds (default start + 5; 0.25 to 10 s long)"),
                _q("width", {"type": "integer", "minimum": 1, "maximum": 640}, "default 320"),
                _q("height", {"type": "integer", "minimum": 1, "maximum": 640}),
                _q("fps", {"type": "integer", "minimum": 1, "maximum": 30}, "default 15")],
            {"image/gif": {}, "image/webp": {}}),
        "/api/videos/{video_id}/storyboard.{fmt}": _get(
            "The storyboard: WebVTT, Mux's JSON (url, tile_width, tile_height, duration, tiles of {start, x, y}; "
            "each tile's url with several sprites) or a BIF archive (Roku, Plex, Emby)", [
                _id(), _fmt(("vtt", "json", "bif")), *EXPORT],
            {"text/vtt": {}, "application/json": {"schema": {"type": "object"}}, "application/octet-stream": {}}),
        "/api/videos/{video_id}/trickplay.zip": _get(
            "Jellyfin trickplay tiles, zipped: <video name>.trickplay/<width> - 10x10/<n>.jpg", [_id(), *EXPORT],
            {"application/zip": {}}),
        "/api/videos/{video_id}/poster.{fmt}": {"get": {
            "summary": "The video's poster, `width` px wide at most (never enlarged)", "description": SIGNED,
            "parameters": [_id(), _fmt(("jpg", "webp")), _q("width", side), *SIGNATURE],
            "responses": {k: v for k, v in _responses({"image/jpeg": {}, "image/webp": {}}).items() if k != "202"}}},
        "/api/videos/{video_id}/poster": {"put": {
            "summary": "Choose the poster: a time (`12.5`), a percentage (`40%`), `auto` or `cover` (the file's "
                       "attached picture); the video's poster_at is the time it resolved to",
            "parameters": [_id()],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["at"], "properties": {"at": {"type": "string"}},
                "additionalProperties": False}}}},
            "responses": {"200": {"description": "the video", "content": VIDEO},
                          **{code: {"description": "error", "content": {"application/json": {"schema": ERROR}}}
                             for code in ("404", "413", "415", "422", "507")}}}},
    }
