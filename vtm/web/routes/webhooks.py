"""Webhooks (issue 16):

    POST   /api/webhooks                      {"url", "events"} -> 201 {"id", "url", "events", "secret"}
    GET    /api/webhooks                      the endpoints (never their secrets)
    DELETE /api/webhooks/{id}                 an endpoint and its delivery log
    GET    /api/webhooks/{id}/deliveries      its deliveries, newest first
    POST   /api/webhooks/{id}/test            queue a `webhook.test` event -> 202 {"event_id"}
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vtm.errors import InvalidInput
from vtm.service import Service
from vtm.web.endpoint import endpoint
from vtm.web.params import int_param, json_body, path_int

MAX_BODY = 16 * 1024
EXAMPLE = '{"url": "https://example.com/hooks/vtm", "events": ["job.completed", "job.failed"]}'


async def _body(request: Request) -> dict[str, Any]:
    body = await json_body(request, MAX_BODY, "send the url and the events only")
    if not isinstance(body, dict) or set(body) - {"url", "events"}:
        raise InvalidInput(f"The body must be a JSON object such as {EXAMPLE}.", code="wrong_shape")
    return body


@endpoint()
async def add_webhook(request: Request, service: Service) -> Response:
    body = await _body(request)
    webhook = await run_in_threadpool(service.add_webhook, body.get("url"), body.get("events"))
    return JSONResponse(webhook.to_dict(with_secret=True), status_code=201)


@endpoint()
async def list_webhooks(request: Request, service: Service) -> Response:
    webhooks = await run_in_threadpool(service.list_webhooks)
    return JSONResponse([w.to_dict() for w in webhooks])


@endpoint()
async def delete_webhook(request: Request, service: Service) -> Response:
    await run_in_threadpool(service.delete_webhook, path_int(request, "webhook_id"))
    return Response(status_code=204)


@endpoint(query=("limit",))
async def deliveries(request: Request, service: Service) -> Response:
    limit = int_param(request, "limit", 100, low=1, high=1000) or 100
    found = await run_in_threadpool(service.webhook_deliveries, path_int(request, "webhook_id"), limit)
    return JSONResponse([d.to_dict() for d in found])


@endpoint()
async def send_test(request: Request, service: Service) -> Response:
    event_id = await run_in_threadpool(service.send_test_webhook, path_int(request, "webhook_id"))
    return JSONResponse({"event_id": event_id}, status_code=202)


routes = [
    Route("/api/webhooks", list_webhooks, methods=["GET"]),
    Route("/api/webhooks", add_webhook, methods=["POST"]),
    Route("/api/webhooks/{webhook_id}", delete_webhook, methods=["DELETE"]),
    Route("/api/webhooks/{webhook_id}/deliveries", deliveries, methods=["GET"]),
    Route("/api/webhooks/{webhook_id}/test", send_test, methods=["POST"]),
]
