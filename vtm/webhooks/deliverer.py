"""The thread that sends webhook deliveries and retries the failed ones.

Each round claims the deliveries that are due (their attempt counted and their next
try already scheduled, so a crash mid-send only means an earlier retry), sends them
on a small pool of threads (one slow receiver does not hold up the others), and
records each answer: 2xx → delivered; anything else → the next retry after the
delay `VTM_WEBHOOK_RETRY_S` gives for that attempt, or failed after the last one.
Between rounds the thread sleeps until the next due delivery or a `wake()`.
Deliveries are rows in DuckDB, so a restart — even after kill -9 — loses none.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Protocol

from vtm.errors import InvalidInput, NotFound
from vtm.store import now
from vtm.webhooks import guard, sender
from vtm.webhooks.model import Delivery, DeliveryState, Webhook
from vtm.webhooks.signing import signed_headers

log = logging.getLogger(__name__)

BATCH = 32
SENDERS = 4
IDLE_S = 60.0
# While a claimed delivery is being sent, it is due again this late (a crash retries it).
CLAIM_S = 300.0


class DeliveryStore(Protocol):
    def get_webhook(self, webhook_id: int) -> Webhook: ...
    def claim_due(self, at: datetime, retry_at: datetime, limit: int) -> list[Delivery]: ...
    def record_attempt(self, delivery_id: int, *, state: DeliveryState, status_code: int | None, error: str | None,
                       next_attempt_at: datetime | None) -> None: ...
    def next_due_at(self) -> datetime | None: ...
    def retries_after(self, at: datetime) -> list[Delivery]: ...
    def reschedule(self, delivery_id: int, next_attempt_at: datetime) -> None: ...


class Deliverer:
    def __init__(self, store: DeliveryStore, *, retry_delays: tuple[float, ...], timeout_s: float, allow_private: bool,
                 clock: Callable[[], datetime] = now) -> None:
        self._store = store
        self._delays = retry_delays
        self._timeout = timeout_s
        self._allow_private = allow_private
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="vtm-webhook")

    # -- life ---------------------------------------------------------------------------
    def start(self) -> None:
        self._after_crash()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="vtm-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _delay(self, attempts: int) -> float:
        """Seconds before the retry that follows attempt number `attempts` (the last delay
        again past the end; 0 with none)."""
        return self._delays[min(attempts, len(self._delays)) - 1] if self._delays else 0.0

    def _after_crash(self) -> None:
        """A delivery being sent when the process died was left due in CLAIM_S (its
        answer never recorded): bring it back to the schedule, the delay after its
        attempt counted from now. Deliveries whose failure was recorded are due sooner
        than that already and stay as they are."""
        at = self._clock()
        for delivery in self._store.retries_after(at):
            due = at + timedelta(seconds=self._delay(delivery.attempts))
            if delivery.next_attempt_at is not None and due < delivery.next_attempt_at:
                self._store.reschedule(delivery.id, due)

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                sent = self.run_once()
            except Exception:
                log.exception("webhooks: a delivery round failed; retrying in %.0f s", IDLE_S)
                sent = 0
            if sent:
                continue
            due = self._store.next_due_at()
            wait = IDLE_S if due is None else max(0.0, min(IDLE_S, (due - self._clock()).total_seconds()))
            self._wake.wait(wait)

    # -- one round ----------------------------------------------------------------------
    def run_once(self) -> int:
        """Send every delivery due now (burst mode for tests); returns how many were tried."""
        at = self._clock()
        claimed = self._store.claim_due(at, at + timedelta(seconds=CLAIM_S), BATCH)
        for delivery, outcome in zip(claimed, self._pool.map(self._attempt, claimed), strict=True):
            self._record(delivery, *outcome)
        return len(claimed)

    def _attempt(self, delivery: Delivery) -> tuple[int | None, str | None]:
        try:
            webhook = self._store.get_webhook(delivery.webhook_id)
            target = guard.check(webhook.url, allow_private=self._allow_private)
        except (InvalidInput, NotFound) as exc:  # refused at delivery time, or deleted meanwhile
            return None, exc.message
        stamp = int(self._clock().replace(tzinfo=UTC).timestamp())
        headers = signed_headers(webhook.secret, delivery.event_id, stamp, delivery.payload)
        try:
            return sender.post(target, delivery.payload.encode(), headers, self._timeout), None
        except sender.SendFailed as exc:
            return None, str(exc)

    def _record(self, delivery: Delivery, status: int | None, error: str | None) -> None:
        if status is not None and 200 <= status < 300:
            self._store.record_attempt(delivery.id, state=DeliveryState.DELIVERED, status_code=status, error=None,
                                       next_attempt_at=None)
            log.info("webhook %s: %s %s delivered (attempt %d, HTTP %d)", delivery.webhook_id, delivery.type,
                     delivery.event_id, delivery.attempts, status)
            return
        reason = error or f"HTTP {status}"
        if delivery.attempts > len(self._delays):
            self._store.record_attempt(delivery.id, state=DeliveryState.FAILED, status_code=status, error=reason,
                                       next_attempt_at=None)
            log.warning("webhook %s: %s %s given up after %d attempts: %s", delivery.webhook_id, delivery.type,
                        delivery.event_id, delivery.attempts, reason)
            return
        retry = self._clock() + timedelta(seconds=self._delay(delivery.attempts))
        self._store.record_attempt(delivery.id, state=DeliveryState.PENDING, status_code=status, error=reason,
                                   next_attempt_at=retry)
        log.info("webhook %s: %s %s attempt %d failed (%s); next at %s", delivery.webhook_id, delivery.type,
                 delivery.event_id, delivery.attempts, reason, retry.isoformat(timespec="seconds"))
