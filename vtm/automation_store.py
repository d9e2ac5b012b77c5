"""SQL of watch folders, recipes, webhooks and fingerprints (issue 16), on the Store's
one DuckDB connection.

STAGE 2: every statement and the SCHEMA below move into `vtm/store.py` (methods of
`Store` with the same names; this class then goes away). Until then this module uses
the Store's write lock and per-thread read cursors, so there is still one connection
and one writer, and it imports no `duckdb` itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from vtm.errors import NotFound
from vtm.media.fingerprint import Fingerprint
from vtm.store import Store, now
from vtm.webhooks.model import Delivery, DeliveryState, EventType, Webhook

SCHEMA = f"""
CREATE SEQUENCE IF NOT EXISTS webhook_ids START 1;
CREATE SEQUENCE IF NOT EXISTS delivery_ids START 1;
CREATE TABLE IF NOT EXISTS webhooks (
    id BIGINT PRIMARY KEY DEFAULT nextval('webhook_ids'),
    url VARCHAR NOT NULL,
    events VARCHAR NOT NULL,
    secret VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id BIGINT PRIMARY KEY DEFAULT nextval('delivery_ids'),
    webhook_id BIGINT NOT NULL,
    event_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN ({", ".join(f"'{s.value}'" for s in DeliveryState)})),
    attempts INTEGER NOT NULL DEFAULT 0,
    status_code INTEGER,
    error VARCHAR,
    next_attempt_at TIMESTAMP,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE TABLE IF NOT EXISTS fingerprints (
    video_id BIGINT PRIMARY KEY,
    every_s DOUBLE NOT NULL,
    hashes BLOB NOT NULL,
    flat BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS recipes (
    target VARCHAR PRIMARY KEY,
    outputs VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS recipe_applied (
    video_id BIGINT PRIMARY KEY,
    target VARCHAR NOT NULL,
    jobs VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS watched_files (
    path VARCHAR PRIMARY KEY,
    video_id BIGINT,
    size BIGINT NOT NULL,
    mtime_ns BIGINT NOT NULL,
    missing BOOLEAN NOT NULL DEFAULT false,
    seen_at TIMESTAMP NOT NULL
);
"""

WEBHOOK_COLUMNS = "id, url, events, secret, created_at"
DELIVERY_COLUMNS = ("id, webhook_id, event_id, type, payload, state, attempts, status_code, error, next_attempt_at, "
                    "delivered_at, created_at")


class AutomationStore:
    def __init__(self, store: Store) -> None:
        self._store = store
        with store._write() as conn:
            conn.execute(SCHEMA)

    def _read(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self._store._read(sql, params)

    # -- webhooks ---------------------------------------------------------------------
    def add_webhook(self, url: str, events: Iterable[EventType], secret: str) -> Webhook:
        with self._store._write() as conn:
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
        with self._store._write() as conn:
            conn.execute("DELETE FROM webhook_deliveries WHERE webhook_id = ?", [webhook_id])
            conn.execute("DELETE FROM webhooks WHERE id = ?", [webhook_id])
        return webhook

    # -- deliveries -------------------------------------------------------------------
    def enqueue_deliveries(self, webhook_ids: list[int], event_id: str, event_type: EventType, payload: str) -> int:
        """One PENDING delivery per webhook, due now, in one transaction."""
        if not webhook_ids:
            return 0
        stamp = now()
        with self._store._write() as conn:
            conn.execute(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, type, payload, state, next_attempt_at, created_at) "
                "SELECT unnest(?), ?, ?, ?, 'pending', ?, ? ON CONFLICT DO NOTHING",
                [webhook_ids, event_id, str(event_type), payload, stamp, stamp],
            )
        return len(webhook_ids)

    def claim_due(self, at: datetime, retry_at: datetime, limit: int) -> list[Delivery]:
        """PENDING deliveries due at `at`: their attempt is counted and their next attempt
        set to `retry_at` before they are sent, so a crash mid-send retries them."""
        with self._store._write() as conn:
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
        with self._store._write() as conn:
            conn.execute("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?", [next_attempt_at, delivery_id])

    def record_attempt(self, delivery_id: int, *, state: DeliveryState, status_code: int | None, error: str | None,
                       next_attempt_at: datetime | None) -> None:
        delivered = now() if state is DeliveryState.DELIVERED else None
        with self._store._write() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET state = ?, status_code = ?, error = ?, next_attempt_at = ?, "
                "delivered_at = ? WHERE id = ?",
                [str(state), status_code, error, next_attempt_at, delivered, delivery_id],
            )

    def next_due_at(self) -> datetime | None:
        row = self._read("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending'")
        return row[0][0] if row else None

    def list_deliveries(self, webhook_id: int, limit: int = 100) -> list[Delivery]:
        self.get_webhook(webhook_id)
        return self._deliveries("WHERE webhook_id = ? ORDER BY id DESC LIMIT ?", [webhook_id, limit])

    def _deliveries(self, where: str, params: list[Any]) -> list[Delivery]:
        return [_delivery(r) for r in self._read(f"SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries {where}", params)]

    # -- fingerprints -----------------------------------------------------------------
    def save_fingerprint(self, video_id: int, fingerprint: Fingerprint) -> None:
        hashes, flat = fingerprint.to_blobs()
        with self._store._write() as conn:
            conn.execute("DELETE FROM fingerprints WHERE video_id = ?", [video_id])
            conn.execute("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?)", [video_id, fingerprint.every_s, hashes, flat, now()])

    def load_fingerprints(self) -> dict[int, Fingerprint]:
        """Every stored fingerprint of a video still in the library."""
        rows = self._read("SELECT f.video_id, f.every_s, f.hashes, f.flat FROM fingerprints f JOIN videos v ON v.id = f.video_id")
        return {r[0]: Fingerprint.from_blobs(r[1], bytes(r[2]), bytes(r[3])) for r in rows}

    def delete_fingerprint(self, video_id: int) -> None:
        with self._store._write() as conn:
            conn.execute("DELETE FROM fingerprints WHERE video_id = ?", [video_id])

    # -- recipes ----------------------------------------------------------------------
    def save_recipe(self, target: str, outputs: list[dict[str, Any]]) -> None:
        with self._store._write() as conn:
            conn.execute("DELETE FROM recipes WHERE target = ?", [target])
            conn.execute("INSERT INTO recipes VALUES (?, ?, ?)", [target, json.dumps(outputs, sort_keys=True), now()])

    def load_recipe(self, target: str) -> list[dict[str, Any]] | None:
        rows = self._read("SELECT outputs FROM recipes WHERE target = ?", [target])
        return json.loads(rows[0][0]) if rows else None

    def list_recipes(self) -> dict[str, list[dict[str, Any]]]:
        return {r[0]: json.loads(r[1]) for r in self._read("SELECT target, outputs FROM recipes ORDER BY target")}

    def delete_recipe(self, target: str) -> None:
        with self._store._write() as conn:
            conn.execute("DELETE FROM recipes WHERE target = ?", [target])

    def mark_recipe_applied(self, video_id: int, target: str, job_ids: list[int]) -> bool:
        """Record that a recipe was applied to a video; False when it already was."""
        with self._store._write() as conn:
            row = conn.execute(
                "INSERT INTO recipe_applied VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING video_id",
                [video_id, target, json.dumps(job_ids), now()],
            ).fetchone()
        return row is not None

    def recipe_applied(self, video_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM recipe_applied WHERE video_id = ?", [video_id]))

    # -- watched files ----------------------------------------------------------------
    def watched_files(self) -> dict[str, tuple[int | None, int, int, bool]]:
        """path -> (video id, size, mtime_ns, missing)."""
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in self._read("SELECT path, video_id, size, mtime_ns, missing FROM watched_files")}

    def save_watched_file(self, path: str, video_id: int | None, size: int, mtime_ns: int, *, missing: bool = False) -> None:
        with self._store._write() as conn:
            conn.execute("DELETE FROM watched_files WHERE path = ?", [path])
            conn.execute("INSERT INTO watched_files VALUES (?, ?, ?, ?, ?, ?)", [path, video_id, size, mtime_ns, missing, now()])

    def mark_watched_missing(self, path: str) -> None:
        with self._store._write() as conn:
            conn.execute("UPDATE watched_files SET missing = true, seen_at = ? WHERE path = ?", [now(), path])

    def move_watched_file(self, old: str, new: str) -> None:
        with self._store._write() as conn:
            conn.execute("UPDATE watched_files SET path = ?, missing = false, seen_at = ? WHERE path = ?", [new, now(), old])


def _webhook(row: tuple[Any, ...]) -> Webhook:
    wid, url, events, secret, created = row
    return Webhook(id=wid, url=url, events=tuple(EventType(e) for e in json.loads(events)), secret=secret, created_at=created)


def _delivery(row: tuple[Any, ...]) -> Delivery:
    did, wid, event_id, kind, payload, state, attempts, code, error, next_at, delivered, created = row
    return Delivery(id=did, webhook_id=wid, event_id=event_id, type=EventType(kind), payload=payload, state=DeliveryState(state),
                    attempts=attempts, status_code=code, error=error, next_attempt_at=next_at, delivered_at=delivered,
                    created_at=created)
