"""Plain data of webhooks: endpoints, event types, deliveries. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    VIDEO_ADDED = "video.added"
    VIDEO_DELETED = "video.deleted"
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    # Sent by "send a test event" to one endpoint, whatever events it chose.
    TEST = "webhook.test"


SUBSCRIBABLE = tuple(t for t in EventType if t is not EventType.TEST)


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # every retry used up


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    events: tuple[EventType, ...]
    secret: str
    created_at: datetime | None = None

    def to_dict(self, *, with_secret: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "url": self.url, "events": [str(e) for e in self.events],
                                "created_at": _iso(self.created_at)}
        if with_secret:
            data["secret"] = self.secret
        return data


@dataclass(frozen=True)
class Delivery:
    id: int
    webhook_id: int
    event_id: str
    type: EventType
    payload: str  # the exact JSON body sent, the same for every attempt
    state: DeliveryState
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    created_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "type": str(self.type), "state": str(self.state), "attempts": self.attempts,
                "status_code": self.status_code, "error": self.error, "next_attempt_at": _iso(self.next_attempt_at),
                "delivered_at": _iso(self.delivered_at), "created_at": _iso(self.created_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None
