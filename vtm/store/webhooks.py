"""SQL of webhook endpoints and their deliveries (issue 16): a delivery is a row, so a
restart (even after kill -9) loses none."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from vtm.errors import NotFound
from vtm.store.rows import Rows, marks, now
from vtm.store.schema import Table
from vtm.webhooks.model import Delivery, DeliveryState, EventType, Webhook

WEBHOOKS = Table(
    "webhooks",
    (
        ("id", "BIGINT PRIMARY KEY DEFAULT nextval('webhook_ids')"),
        ("url", "VARCHAR NOT NULL"),
        ("events", "VARCHAR NOT NULL"),
        ("secret", "VARCHAR NOT NULL"),
        ("created_at", "TIMESTAMP NOT NULL"),
    ),
    sequences=("webhook_ids",),
)
DELIVERIES = Table(
    "webhook_deliveries",
    (
        ("id", "BIGINT PRIMARY KEY DEFAULT nextval('delivery_ids')"),
        ("webhook_id", "BIGINT NOT NULL"),
        ("event_id", "VARCHAR NOT NULL"),
        ("type", "VARCHAR NOT NULL"),
        ("payload", "VARCHAR NOT NULL"),
        ("state", "VARCHAR NOT NULL"),
        ("attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("status_code", "INTEGER"),
        ("error", "VARCHAR"),
        ("next_attempt_at", "TIMESTAMP"),
        ("delivered_at", "TIMESTAMP"),
        ("created_at", "TIMESTAMP NOT NULL"),
    ),
    constraints=("UNIQUE (webhook_id, event_id)",),
    sequences=("delivery_ids",),
    checks={"state": DeliveryState},
)
WEBHOOK_COLUMNS = "id, url, events, secret, created_at"
DELIVERY_COLUMNS = ("id, webhook_id, event_id, type, payload, state, attempts, status_code, error, next_attempt_at, "
                    "delivered_at, created_at")


class WebhookRows(Rows):
    def add_webhook(self, url: str, events: Iterable[EventType], secret: str) -> Webhook:
        with self._write() as conn:
            row = conn.execute(
                f"INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?) RETURNING {WEBHOOK_COLUMNS}",
                [url, json.dumps([str(e) for e in events]), secret, now()],
            ).fetchone()
        assert row is not None
        return _webhook(row)

    def list_webhooks(self) -> list[Webhook]:
        return [_webhook(r) for r in self._read(f"SELECT {WEBHOOK_COLUMNS} FROM webhooks ORDER BY id")]

    def count_webhooks(self) -> int:
        return int(self._read("SELECT count(*) FROM webhooks")[0][0])

    def get_webhook(self, webhook_id: int) -> Webhook:
        rows = self._read(f"SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?", [webhook_id])
        if not rows:
            raise NotFound(f"No webhook with id {webhook_id}.")
        return _webhook(rows[0])

    def delete_webhook(self, webhook_id: int) -> Webhook:
        """Remove a webhook and its delivery log in one transaction."""
        webhook = self.get_webhook(webhook_id)
        with self._write() as conn:
            conn.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ?", [webhook_id])
            conn.execute("DELETE FROM webhooks WHERE id = ?", [webhook_id])
        return webhook

    def enqueue_deliveries(self, webhook_ids: list[int], event_id: str, event_type: EventType, payload: str) -> int:
        """One PENDING delivery per webhook, due now, in one transaction."""
        if not webhook_ids:
            return 0
        stamp = now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, type, payload, state, next_attempt_at, created_at) "
                "SELECT unnest(?), ?, ?, ?, 'pending', ?, ? ON CONFLICT DO NOTHING",
                [webhook_ids, event_id, str(event_type), payload, stamp, stamp],
            )
        return len(webhook_ids)

    def newest_event_at(self, types: Iterable[EventType]) -> datetime | None:
        """When the newest delivery of an event of these types was written (None: never)."""
        names = [str(e) for e in types]
        rows = self._read(f"SELECT max(created_at) FROM webhook_deliveries WHERE type IN ({marks(names)})", names)
        return rows[0][0] if rows and rows[0][0] is not None else None

    def event_ids_since(self, types: Iterable[EventType], since: datetime) -> set[tuple[int, str]]:
        """(endpoint, event id) of the deliveries of events of these types written since `since`."""
        names = [str(e) for e in types]
        return {(int(w), str(e)) for w, e in self._read(
            f"SELECT webhook_id, event_id FROM webhook_deliveries WHERE type IN ({marks(names)}) AND created_at >= ?",
            [*names, since])}

    def claim_due(self, at: datetime, retry_at: datetime, limit: int) -> list[Delivery]:
        """PENDING deliveries due at `at`: their attempt is counted and their next attempt
        set to `retry_at` before they are sent, so a crash mid-send retries them."""
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at, id LIMIT ?", [at, limit]).fetchall()
            ids = [r[0] for r in rows]
            if not ids:
                return []
            conn.execute(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN "
                f"({', '.join('?' for _ in ids)})", [retry_at, *ids])
        return self._deliveries(f"WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY id", ids)

    def reschedule(self, delivery_id: int, next_attempt_at: datetime) -> None:
        with self._write() as conn:
            conn.execute("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?", [next_attempt_at, delivery_id])

    def record_attempt(self, delivery_id: int, *, state: DeliveryState, status_code: int | None, error: str | None,
                       next_attempt_at: datetime | None) -> None:
        delivered = now() if state is DeliveryState.DELIVERED else None
        with self._write() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET state = ?, status_code = ?, error = ?, next_attempt_at = ?, "
                "delivered_at = ? WHERE id = ?",
                [str(state), status_code, error, next_attempt_at, delivered, delivery_id],
            )

    def retries_after(self, at: datetime) -> list[Delivery]:
        """PENDING deliveries already tried once or more, due after `at`."""
        return self._deliveries("WHERE state = 'pending' AND attempts > 0 AND next_attempt_at > ? ORDER BY id", [at])

    def next_due_at(self) -> datetime | None:
        row = self._read("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'")
        return row[0][0] if row else None

    def list_deliveries(self, webhook_id: int, limit: int = 100) -> list[Delivery]:
        self.get_webhook(webhook_id)
        return self._deliveries("WHERE webhook_id = ? ORDER BY id DESC LIMIT ?", [webhook_id, limit])

    def _deliveries(self, where: str, params: list[Any]) -> list[Delivery]:
        return [_delivery(r) for r in self._read(f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries {where}", params)]

def _webhook(row: tuple[Any, ...]) -> Webhook:
    wid, url, events, secret, created = row
    return Webhook(id=wid, url=url, events=tuple(EventType(e) for e in json.loads(events)), secret=secret, created_at=created)


def _delivery(row: tuple[Any, ...]) -> Delivery:
    did, wid, event_id, kind, payload, state, attempts, code, error, next_at, delivered, created = row
    return Delivery(id=did, webhook_id=wid, event_id=event_id, type=EventType(kind), payload=payload, state=DeliveryState(state),
                    attempts=attempts, status_code=code, error=error, next_attempt_at=next_at, delivered_at=delivered,
                    created_at=created)
