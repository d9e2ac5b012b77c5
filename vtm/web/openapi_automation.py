"""The OpenAPI description of issue 16's routes: webhooks and near-duplicates (merged
into `vtm.web.openapi.document`)."""

from __future__ import annotations

from typing import Any

from vtm.service import WEBHOOK_EVENTS

_ERR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_STR = {"type": "string", "nullable": True}
_WEBHOOK_ID = {"name": "webhook_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
_EVENTS = {"type": "array", "items": {"type": "string", "enum": list(WEBHOOK_EVENTS)}}


def _ok(code: str, description: str, schema: dict[str, Any] | None, *errors: str) -> dict[str, Any]:
    out: dict[str, Any] = {code: {"description": description}}
    if schema is not None:
        out[code]["content"] = {"application/json": {"schema": schema}}
    out.update({e: _ERR for e in errors})
    return out


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Webhook": {"type": "object", "required": ["id", "url", "events"], "properties": {
        "id": {"type": "integer"}, "url": {"type": "string"}, "events": _EVENTS, "created_at": _STR,
        "secret": {"type": "string", "description": "whsec_… (Standard Webhooks); only in the answer to POST"}}},
    "WebhookDelivery": {"type": "object", "required": ["event_id", "type", "attempts"], "properties": {
        "event_id": {"type": "string", "description": "the webhook-id header, the same on every retry"},
        "type": {"type": "string"}, "state": {"type": "string", "enum": ["pending", "delivered", "failed"]},
        "attempts": {"type": "integer", "minimum": 0}, "status_code": {"type": "integer", "nullable": True},
        "error": _STR, "next_attempt_at": _STR, "delivered_at": _STR, "created_at": _STR}},
    "Duplicate": {"type": "object", "required": ["video_a", "video_b", "similarity", "ranges"], "properties": {
        "video_a": {"type": "integer"}, "video_b": {"type": "integer"},
        "similarity": {"type": "number", "minimum": 0, "maximum": 1},
        "mirrored": {"type": "boolean", "description": "video_b is video_a's mirror image"},
        "ranges": {"type": "array", "items": {"type": "object", "properties": {
            k: {"type": "number", "minimum": 0, "description": "seconds"} for k in ("a_start", "a_end", "b_start", "b_end")}}}}},
}

PATHS: dict[str, Any] = {
    "/api/webhooks": {
        "get": {"summary": "The webhook endpoints (without their secrets)",
                "responses": _ok("200", "webhooks", {"type": "array", "items": _ref("Webhook")})},
        "post": {"summary": "Register an endpoint for signed events (Standard Webhooks); the secret is shown once",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["url"], "properties": {
                         "url": {"type": "string", "description": "http(s); private addresses need VTM_WEBHOOKS_ALLOW_PRIVATE=1"},
                         "events": {**_EVENTS, "description": "all of them when left out"}}}}}},
                 "responses": _ok("201", "the webhook with its secret", _ref("Webhook"), "400", "409", "413", "422")},
    },
    "/api/webhooks/{webhook_id}": {"delete": {"summary": "Remove an endpoint and its delivery log", "parameters": [_WEBHOOK_ID],
                                              "responses": _ok("204", "deleted", None, "404", "422")}},
    "/api/webhooks/{webhook_id}/deliveries": {"get": {
        "summary": "Its deliveries, newest first (status code, attempts, next try)",
        "parameters": [_WEBHOOK_ID, {"name": "limit", "in": "query", "required": False,
                                     "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
        "responses": _ok("200", "deliveries", {"type": "array", "items": _ref("WebhookDelivery")}, "404", "422")}},
    "/api/webhooks/{webhook_id}/test": {"post": {
        "summary": "Send a `webhook.test` event to this endpoint", "parameters": [_WEBHOOK_ID],
        "responses": _ok("202", "queued", {"type": "object", "properties": {"event_id": {"type": "string"}}}, "404", "422")}},
    "/api/duplicates": {"get": {
        "summary": "Pairs of videos that share footage (re-encoded, resized, cropped, mirrored, trimmed), most similar first",
        "parameters": [{"name": "min_similarity", "in": "query", "required": False,
                        "schema": {"type": "number", "minimum": 0, "maximum": 1}},
                       {"name": "video_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0},
                        "description": "only the pairs of this video"}],
        "responses": _ok("200", "pairs", {"type": "array", "items": _ref("Duplicate")}, "404", "422")}},
}
