"""Registering webhook endpoints and publishing events to them.

Publishing is one INSERT (a delivery row per subscribed endpoint) and a wake-up of the
deliverer: the caller — a worker finishing a job, a request adding a video — never
waits for a receiver.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from vtm.errors import Conflict, InvalidInput
from vtm.webhooks import guard
from vtm.webhooks.model import SUBSCRIBABLE, EventType, Webhook
from vtm.webhooks.signing import new_event_id, new_secret

log = logging.getLogger(__name__)

MAX_WEBHOOKS = 100


class WebhookStore(Protocol):
    def add_webhook(self, url: str, events: Iterable[EventType], secret: str) -> Webhook: ...
    def list_webhooks(self) -> list[Webhook]: ...
    def count_webhooks(self) -> int: ...
    def get_webhook(self, webhook_id: int) -> Webhook: ...
    def enqueue_deliveries(self, webhook_ids: list[int], event_id: str, event_type: EventType, payload: str) -> int: ...


def parse_events(events: Any) -> tuple[EventType, ...]:
    """The event types a request asks for; all of them when none are given."""
    if events is None:
        return SUBSCRIBABLE
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise InvalidInput("events: give a list of event types, such as [\"job.completed\", \"job.failed\"].")
    choices = ", ".join(SUBSCRIBABLE)
    chosen: list[EventType] = []
    for name in events:
        if name not in SUBSCRIBABLE:
            raise InvalidInput(f"events: {name[:60]!r} is not an event type; use {choices}.")
        if EventType(name) not in chosen:
            chosen.append(EventType(name))
    if not chosen:
        raise InvalidInput(f"events: choose at least one of {choices}.")
    return tuple(chosen)


def register(store: WebhookStore, url: Any, events: Any, *, allow_private: bool) -> Webhook:
    """A new endpoint with a fresh secret (returned once, in the webhook's to_dict(with_secret=True))."""
    chosen = parse_events(events)
    target = guard.check(url, allow_private=allow_private)
    if store.count_webhooks() >= MAX_WEBHOOKS:
        raise Conflict(f"There are already {MAX_WEBHOOKS} webhooks; delete one first.", code="too_many_webhooks")
    webhook = store.add_webhook(url, chosen, new_secret())
    log.info("webhook %s: registered %s://%s:%s for %s", webhook.id, target.scheme, target.host, target.port, ", ".join(chosen))
    return webhook


def payload(event_type: EventType, data: Mapping[str, Any], at: datetime | None = None) -> str:
    """The body Standard Webhooks describes: {"type", "timestamp", "data"}."""
    stamp = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"type": str(event_type), "timestamp": stamp, "data": dict(data)}, separators=(",", ":"), default=str)


def row_event_id(event_type: EventType, row_id: int, *facts: object) -> str:
    """The one id of an event a row records (a job's end: its id, attempt, status and end
    time; a video's addition: its id and time), whoever publishes it: the live event, or
    the catch-up after a crash (`Background.announce_missed`). A delivery row is unique
    per endpoint and event id, so the same event is never queued twice."""
    text = "|".join(str(part) for part in (event_type, row_id, *facts))
    return "msg_" + hashlib.sha256(text.encode()).hexdigest()[:32]


def wants(webhook: Webhook, event_type: EventType, at: datetime | None = None) -> bool:
    """The endpoint chose this type of event and, for an event of time `at`, was
    registered by then."""
    return event_type in webhook.events and (at is None or webhook.created_at is None or webhook.created_at <= at)


def publish(store: WebhookStore, event_type: EventType, data: Mapping[str, Any], wake: Callable[[], None] | None = None,
            *, event_id: str | None = None, at: datetime | None = None) -> str | None:
    """Queue the event for every endpoint that chose its type (and, for an event of time
    `at`, existed then); returns its id (None when no endpoint wants it)."""
    wanted = [w.id for w in store.list_webhooks() if wants(w, event_type, at)]
    if not wanted:
        return None
    event_id = event_id or new_event_id()
    store.enqueue_deliveries(wanted, event_id, event_type, payload(event_type, data, at.replace(tzinfo=UTC) if at else None))
    if wake:
        wake()
    return event_id


def send_test(store: WebhookStore, webhook_id: int, wake: Callable[[], None] | None = None) -> str:
    """Queue a `webhook.test` event for one endpoint, whatever events it chose."""
    webhook = store.get_webhook(webhook_id)
    event_id = new_event_id()
    body = payload(EventType.TEST, {"webhook_id": webhook.id, "message": "A test event from VTM."})
    store.enqueue_deliveries([webhook.id], event_id, EventType.TEST, body)
    if wake:
        wake()
    return event_id
