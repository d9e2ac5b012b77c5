"""The OpenAPI document of /api (served at /api/openapi.json). Kept beside the routes;
a test checks that every route is described and that the README lists every path."""

from __future__ import annotations

from typing import Any

from vtm import __version__

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


THUMB_QUERY = [
    _query("at", {"type": "string"}, "seconds (12.5), percent (40%) or auto; default 0 (first frame)"),
    _query("fit", {"type": "string", "enum": ["cover", "contain", "stretch"]}),
    _query("format", {"type": "string", "enum": ["jpg", "png", "webp"]}),
    _query("quality", {"type": "integer", "minimum": 1, "maximum": 100}),
    _query("pad", {"type": "string", "pattern": "^[0-9a-fA-F]{6}$"}),
    _query("fast", {"type": "boolean"}, "nearest keyframe instead of the exact frame"),
]
JSON_OBJ = {"application/json": {"schema": {"type": "object"}}}
JSON_LIST = {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/health": {"get": {"summary": "Liveness and job counts", "responses": _responses("200", "ok", content=JSON_OBJ)}},
        "/api/openapi.json": {"get": {"summary": "This document", "responses": _responses("200", "ok", content=JSON_OBJ)}},
        "/api/videos": {
            "post": {
                "summary": "Upload a video (multipart field `video`), streamed to disk",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["video"],
                    "properties": {"video": {"type": "string", "format": "binary"}}}}}},
                "responses": _responses("201", "the video", "400", "401", "409", "413", "415", content=JSON_OBJ),
            },
            "get": {
                "summary": "List videos",
                "parameters": [_query("q", {"type": "string"}, "name contains"),
                               _query("sort", {"type": "string", "enum": ["newest", "oldest", "name", "duration"]})],
                "responses": _responses("200", "videos", "422", content=JSON_LIST),
            },
        },
        "/api/videos/{video_id}": {
            "get": {"summary": "One video", "parameters": [_id("video_id")],
                    "responses": _responses("200", "the video", "404", "422", content=JSON_OBJ)},
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
            "responses": _responses("200", "jobs", "422", content=JSON_LIST)}},
        "/api/jobs/videos/{video_id}": {"get": {"summary": "The upload job of a video (old service)",
            "parameters": [_id("video_id")], "responses": _responses("200", "the video", "404", "422", content=JSON_OBJ)}},
        "/api/jobs/thumbnails/{job_id}": {"get": {"summary": "A thumbnail job (old service)",
            "parameters": [_id("job_id")], "responses": _responses("200", "the job", "404", "422", content=JSON_OBJ)}},
        "/api/jobs/{job_id}": {"get": {"summary": "Any job", "parameters": [_id("job_id")],
            "responses": _responses("200", "the job", "404", "422", content=JSON_OBJ)}},
        "/api/jobs/{job_id}/output": {"get": {"summary": "The file a job made", "parameters": [_id("job_id")],
            "responses": _responses("200", "the file", "404", "409", "422")}},
        "/api/jobs/{job_id}/retry": {"post": {"summary": "Queue a FAILED job again", "parameters": [_id("job_id")],
            "responses": _responses("202", "the job", "401", "404", "409", "422", content=JSON_OBJ)}},
        "/api/thumbnails/{video_id}/{width}/{height}": {"post": {
            "summary": "Request a thumbnail (the same request returns the same job)",
            "parameters": [_id("video_id"),
                           {"name": "width", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 7680}},
                           {"name": "height", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 7680}},
                           *THUMB_QUERY],
            "responses": _responses("202", "the job", "401", "404", "422", content=JSON_OBJ)}},
        "/api/t/{video_id}": {"get": {
            "summary": "The thumbnail image for these options",
            "parameters": [_id("video_id"), _query("w", {"type": "integer", "minimum": 0, "maximum": 7680}),
                           _query("h", {"type": "integer", "minimum": 0, "maximum": 7680}), *THUMB_QUERY],
            "responses": _responses("200", "the image", "304", "404", "409", "422",
                                    content={"image/jpeg": {}, "image/png": {}, "image/webp": {}})}},
        "/api/events": {"get": {"summary": "Server-sent events, one per job change; resume with Last-Event-ID",
            "parameters": [_query("since", {"type": "integer", "minimum": 0})],
            "responses": _responses("200", "text/event-stream")}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "VTM — Video Thumbnails Maker", "version": __version__},
        "paths": paths,
        "components": {"schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "object", "required": ["code", "message"],
                      "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}}},
    }
