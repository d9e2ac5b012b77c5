"""Use cases of webhooks: register an endpoint (its secret shown once), list, delete,
its delivery log, a test event. Events themselves are published by `arrivals.py` and
by the background's job listener."""

from __future__ import annotations

from typing import Any

from vtm.service.base import ServiceBase
from vtm.webhooks import registry
from vtm.webhooks.model import SUBSCRIBABLE, Delivery, Webhook

WEBHOOK_EVENTS = tuple(str(e) for e in SUBSCRIBABLE)


class Webhooks(ServiceBase):
    def add_webhook(self, url: Any, events: Any = None) -> Webhook:
        """A new endpoint for `events` (all of them when None); the returned webhook's
        secret is shown to the user once (it is not listed again)."""
        return registry.register(self._store, url, events, allow_private=self._settings.webhooks_allow_private)

    def list_webhooks(self) -> list[Webhook]:
        return self._store.list_webhooks()

    def get_webhook(self, webhook_id: int) -> Webhook:
        return self._store.get_webhook(webhook_id)

    def delete_webhook(self, webhook_id: int) -> Webhook:
        """Remove an endpoint and its delivery log."""
        return self._store.delete_webhook(webhook_id)

    def webhook_deliveries(self, webhook_id: int, limit: int = 100) -> list[Delivery]:
        """Its deliveries, newest first (NotFound for an unknown webhook)."""
        return self._store.list_deliveries(webhook_id, limit)

    def send_test_webhook(self, webhook_id: int) -> str:
        """Queue a `webhook.test` event for this endpoint now; returns its event id."""
        wake = self._background.deliverer.wake if self._background is not None else None
        return registry.send_test(self._store, webhook_id, wake)
