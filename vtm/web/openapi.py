"""The OpenAPI document of /api (served at /api/openapi.json). Kept beside the routes;
a test checks that every route is described and that the README lists every path."""

from __future__ import annotations

from typing import Any

from vtm import __version__, kinds
from vtm.kinds.limits import MAX_SIDE
from vtm.models import JobKind
from vtm.web import openapi_automation, openapi_images, schemas
from vtm.web.routes.thumbnails import THUMB_OPTIONS

ERROR = {"$ref": "#/components/schemas/Error"}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _responses(ok: str, ok_desc: str, *errors: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {ok: {"description": ok_desc}}
    if content:
        out[ok]["content"] = content
    for code in errors:
        out[code] = {"description": "error", "content": {"application/json": {"schema": ERROR}}}
    return out


THUMB_QUERY = schemas.query_parameters(kinds.get(JobKind.THUMBNAIL), THUMB_OPTIONS)
JSON_OBJ = {"application/json": {"schema": {"type": "object"}}}
VIDEO = {"application/json": {"schema": {"$ref": "#/components/schemas/Video"}}}
VIDEOS = {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Video"}}}}
HEALTH = {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
JOB = {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}
JOBS = {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}}
_NUM = {"type": "number", "nullable": True, "minimum": 0}
_INT = {"type": "integer", "nullable": True, "minimum": 0}
_STR = {"type": "string", "nullable": True}
SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["code", "message"],
                  "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
    "Video": {"type": "object", "required": ["id", "filename", "status", "width", "height"], "properties": {
        "id": {"type": "integer"}, "filename": {"type": "string"},
        "status": {"type": "string", "enum": ["QUEUED", "RUNNING", "COMPLETED", "FAILED"]},
        "size": {"type": "integer", "minimum": 0}, "sha256": {"type": "string"},
        "width": {"type": "integer", "minimum": 0}, "height": {"type": "integer", "minimum": 0},
        "rotation": {"type": "integer", "description": "as ffprobe reports it: the display matrix angle, counter-clockwise, -90 to 180 (a portrait phone clip: -90)"}, "duration": _NUM, "fps": _NUM, "frame_count": _INT,
        "codec": _STR, "container": _STR, "imported": {"type": "boolean"}, "error": _STR, "created_at": _STR,
        "storage_width": _INT, "storage_height": _INT,
        "sample_aspect_ratio": {"type": "string", "nullable": True, "description": "pixel shape, e.g. 16:11"},
        "duration_measured": {"type": "boolean", "description": "the header had no duration: measured from the packets"},
        "hdr": {"type": "string", "nullable": True, "enum": ["pq", "hlg", None]},
        "field_order": {"type": "string", "nullable": True, "enum": ["tff", "bff", None]},
        "poster_pick": {"type": "string", "nullable": True, "description": "the poster asked for: 12.5, 40%, auto, cover"},
        "poster_at": {"type": "number", "nullable": True, "description": "the chosen poster's time in seconds"},
        "thumbhash": {"type": "string", "nullable": True, "description": "ThumbHash of the poster (base64)"},
        "missing": {"type": "boolean", "description": "its file left a watched folder (outputs are kept)"}}},
    "Job": {"type": "object", "required": ["id", "kind", "video_id", "status", "width", "height"], "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "video_id": {"type": "integer"}, "filename": _STR,
        "width": _INT, "height": _INT, "params": {"type": "object"},
        "status": {"type": "string", "enum": ["QUEUED", "RUNNING", "COMPLETED", "FAILED"]},
        "progress": {"type": "number", "minimum": 0, "maximum": 1}, "attempts": {"type": "integer"}, "error": _STR,
        "created_at": _STR, "started_at": _STR, "finished_at": _STR, "duration_s": _NUM,
        "node": {"type": "object", "nullable": True, "description": "the Ray node its current or last attempt ran on "
                 "(VTM_EXECUTOR=ray); null locally or before it runs",
                 "required": ["id", "ip", "name"], "properties": {
                     "id": {"type": "string"}, "ip": {"type": "string"}, "name": {"type": "string"}}},
        "output_url": {"type": "string", "description": "only when COMPLETED"}}},
    "Health": {"type": "object", "required": ["status", "version", "workers", "jobs", "executor"], "properties": {
        "status": {"type": "string", "enum": ["ok"]}, "version": {"type": "string"}, "workers": {"type": "integer"},
        "jobs": {"type": "object", "additionalProperties": {"type": "integer"}},
        "executor": {"type": "string", "enum": ["local", "ray"]},
        "cluster": {"type": "object", "description": "only with VTM_EXECUTOR=ray",
                    "required": ["state", "nodes", "cpus"], "properties": {
                        "state": {"type": "string", "enum": ["starting", "up", "unreachable", "closed"]},
                        "nodes": {"type": "integer", "description": "nodes alive"},
                        "cpus": {"type": "number", "description": "CPUs of the nodes alive"},
                        "reason": _STR}}}},
}


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/health": {"get": {"summary": "Liveness, job counts, the executor and its cluster",
                                "responses": _responses("200", "ok", content=HEALTH)}},
        "/api/openapi.json": {"get": {"summary": "This document", "responses": _responses("200", "ok", content=JSON_OBJ)}},
        "/api/videos": {
            "post": {
                "summary": "Upload a video (multipart field `video`), streamed to disk",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["video"],
                    "properties": {"video": {"type": "string", "format": "binary"}}}}}},
                "responses": _responses("201", "the video", "400", "401", "409", "413", "415", content=VIDEO),
            },
            "get": {
                "summary": "List videos: every one, or with `limit` a page from `offset` (the total in X-Total-Count)",
                "parameters": [_query("q", {"type": "string"}, "name contains"),
                               _query("sort", {"type": "string", "enum": ["newest", "oldest", "name", "duration"]}),
                               _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "a page of this many"),
                               _query("offset", {"type": "integer", "minimum": 0}, "with limit: videos skipped")],
                "responses": _responses("200", "videos", "422", content=VIDEOS),
            },
        },
        "/api/videos/{video_id}": {
            "get": {"summary": "One video", "parameters": [_id("video_id")],
                    "responses": _responses("200", "the video", "404", "422", content=VIDEO)},
            "delete": {"summary": "Delete a video, its jobs and files", "parameters": [_id("video_id")],
                       "responses": _responses("204", "deleted", "401", "404", "422")},
        },
        "/api/jobs": {"get": {
            "summary": "List jobs, newest first",
            "parameters": [
                _query("status", {"type": "string", "enum": ["QUEUED", "RUNNING", "COMPLETED", "FAILED"]}),
                _query("kind", {"type": "string"}),
                _query("video_id", {"type": "integer", "minimum": 0}),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
                _query("offset", {"type": "integer", "minimum": 0}),
            ],
            "responses": _responses("200", "jobs", "422", content=JOBS)}},
        "/api/jobs/videos/{video_id}": {"get": {"summary": "The upload job of a video (old service)",
            "parameters": [_id("video_id")], "responses": _responses("200", "the video", "404", "422", content=VIDEO)}},
        "/api/jobs/thumbnails/{job_id}": {"get": {"summary": "A thumbnail job (old service)",
            "parameters": [_id("job_id")], "responses": _responses("200", "the job", "404", "422", content=JOB)}},
        "/api/jobs/{job_id}": {"get": {"summary": "Any job", "parameters": [_id("job_id")],
            "responses": _responses("200", "the job", "404", "422", content=JOB)}},
        "/api/jobs/{job_id}/output": {"get": {"summary": "The file a job made", "parameters": [_id("job_id")],
            "responses": _responses("200", "the file", "404", "409", "422")}},
        "/api/jobs/{job_id}/retry": {"post": {"summary": "Queue a FAILED job again", "parameters": [_id("job_id")],
            "responses": _responses("202", "the job", "401", "404", "409", "422", content=JOB)}},
        "/api/thumbnails/{video_id}/{width}/{height}": {"post": {
            "summary": "Request a thumbnail (the same request returns the same job)",
            "parameters": [_id("video_id"),
                           {"name": "width", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_SIDE}},
                           {"name": "height", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_SIDE}},
                           *THUMB_QUERY],
            "responses": _responses("202", "the job", "401", "404", "422", content=JOB)}},
        "/api/t/{video_id}": {"get": {
            "summary": "The thumbnail image for these options",
            "parameters": [_id("video_id"), _query("w", {"type": "integer", "minimum": 0, "maximum": MAX_SIDE}),
                           _query("h", {"type": "integer", "minimum": 0, "maximum": MAX_SIDE}), *THUMB_QUERY],
            "responses": _responses("200", "the image", "304", "404", "409", "422",
                                    content={"image/jpeg": {}, "image/png": {}, "image/webp": {}})}},
        "/api/events": {"get": {
            "summary": "Server-sent events, one per job change (`id: <boot>.<seq>`, `event: job`, JSON data with "
                       "id, kind, video_id, status, progress, error); reconnect with the Last-Event-ID header",
            "parameters": [{"name": "Last-Event-ID", "in": "header", "required": False, "schema": {"type": "string"}},
                           _query("since", {"type": "string"}, "an event id to continue after, for clients that cannot "
                                  "set Last-Event-ID (the header wins)")],
            "responses": _responses("200", "the event stream", content={"text/event-stream": {"schema": {"type": "string"}}})}},
        "/api/videos/{video_id}/outputs": {"post": {
            "summary": "Request an output of any kind (the same request returns the same job)",
            "parameters": [_id("video_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": schemas.request_body()}}},
            "responses": _responses("202", "the job", "400", "401", "404", "413", "422", content=JOB)}},
        "/api/jobs/{job_id}/files/{name}": {"get": {
            "summary": "One file of a job's output (storyboard sprites, scene keyframes, preview GIF)",
            "parameters": [_id("job_id"), {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": _responses("200", "the file", "304", "404", "409", "422")}},
        "/api/videos/{video_id}/source": {"get": {
            "summary": "The video's own file for a player, with byte ranges (`Range: bytes=…` answers 206 with "
                       "`Content-Range`; past the end 416); `?ticket=` stands in for the token on reads",
            "parameters": [_id("video_id"), _query("ticket", {"type": "string"}, "the dashboard's page ticket"),
                           {"name": "Range", "in": "header", "required": False, "schema": {"type": "string"}}],
            "responses": _responses("200", "the whole file", "304", "401", "404", "416", "422",
                                    content={"video/*": {}}) | {"206": {"description": "the bytes asked for"}}}},
        "/api/jobs/{job_id}/zip": {"get": {
            "summary": "Every file of a job's output in one zip (a storyboard's WebVTT names its sprites relatively)",
            "parameters": [_id("job_id")],
            "responses": _responses("200", "the zip", "404", "409", "422", content={"application/zip": {}})}},
        "/api/doctor": {"get": {"summary": "The data folder compared with the database (`vtm doctor --api`)",
                                "responses": _responses("200", "{before, actions, after}", content=JSON_OBJ)}},
        "/api/doctor/repair": {"post": {
            "summary": "Register lost videos again, move unknown files to data/quarantine (never deletes a file)",
            "responses": _responses("200", "{before, actions, after}", content=JSON_OBJ)}},
        **openapi_images.paths(),
        **openapi_automation.PATHS,
    }
    for path in ("/api/videos", "/api/thumbnails/{video_id}/{width}/{height}", "/api/videos/{video_id}/outputs",
                 "/api/jobs/{job_id}/retry"):  # vtm.disk: no space left where VTM writes
        paths[path]["post"]["responses"]["507"] = _responses("200", "", "507")["507"]
    for item in paths.values():
        for method, operation in item.items():
            if method in ("post", "put", "patch", "delete"):  # vtm.web.guard: the token and the same-site check
                for code in ("401", "403"):
                    operation["responses"].setdefault(code, _responses("200", "", code)[code])
    return {
        "openapi": "3.0.3",
        "info": {"title": "VTM — Video Thumbnails Maker", "version": __version__},
        "paths": paths,
        "components": {"schemas": {**SCHEMAS, **openapi_automation.SCHEMAS, **schemas.components()}, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer", "description": "VTM_API_TOKEN; writes only unless VTM_API_TOKEN_READS=1"},
            "ticket": {"type": "apiKey", "in": "header", "name": "X-VTM-Upload-Ticket",
                       "description": "short-lived upload ticket the dashboard mints (POST /api/videos only)"}}},
    }
