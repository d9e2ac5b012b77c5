"""Signed webhooks against a real local receiver (tests/webhook_receiver.py) that checks
each signature with the `standardwebhooks` package: delivered, retried with backoff
after failures, given up after the last retry, timed out, never redirected; refused
for internal addresses at registration and at delivery; persisted across kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from tests.webhook_receiver import Receiver
from vtm.config import Settings
from vtm.errors import InvalidInput, NotFound
from vtm.store import Store, now
from vtm.webhooks import guard, registry, sender
from vtm.webhooks.deliverer import Deliverer
from vtm.webhooks.model import DeliveryState, EventType
from vtm.webhooks.signing import new_secret, signed_headers

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    base = Store(tmp_path / "data" / "vtm.duckdb")
    yield base
    base.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


def deliverer(store: Store, retry: tuple[float, ...] = (0.2, 0.2), timeout: float = 5.0, allow_private: bool = True) -> Deliverer:
    return Deliverer(store, retry_delays=retry, timeout_s=timeout, allow_private=allow_private)


def register(store: Store, receiver: Receiver, path: str, events: list[str] | None = None):
    webhook = registry.register(store, receiver.url + path, events, allow_private=True)
    receiver.secret = webhook.secret
    return webhook


def test_signature_is_the_one_standard_webhooks_verifies() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    body = json.dumps({"type": "job.completed", "timestamp": "2026-01-01T00:00:00Z", "data": {"id": 1, "name": "é"}})
    headers = signed_headers(secret, "msg_1", int(time.time()), body)
    assert Verifier(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(Exception, match="signature"):
        Verifier(new_secret()).verify(body, headers)


def test_an_event_is_delivered_signed_in_the_standard_shape(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/ok", ["job.completed"])
    assert webhook.to_dict(with_secret=True)["secret"] == webhook.secret and "secret" not in webhook.to_dict()
    job = {"id": 7, "kind": "thumbnail", "status": "COMPLETED"}
    event_id = registry.publish(store, EventType.JOB_COMPLETED, job)
    assert registry.publish(store, EventType.JOB_FAILED, job) is None  # not subscribed
    d = deliverer(store)
    assert d.run_once() == 1
    (request,) = receiver.wait_for("/ok", 1)
    assert request.verified and request.headers["webhook-id"] == event_id
    body = json.loads(request.body)
    assert body["type"] == "job.completed" and body["data"] == job and body["timestamp"].endswith("Z")
    (row,) = store.list_deliveries(webhook.id)
    assert row.to_dict() | {"created_at": None} == {
        "event_id": event_id, "type": "job.completed", "state": "delivered", "attempts": 1, "status_code": 204,
        "error": None, "next_attempt_at": None, "delivered_at": row.to_dict()["delivered_at"], "created_at": None}
    assert row.delivered_at is not None


def test_fails_twice_then_succeeds_with_backoff(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/flaky")
    d = deliverer(store, retry=(0.3, 0.6, 5))
    d.start()
    try:
        registry.publish(store, EventType.VIDEO_ADDED, {"id": 1, "filename": "clip.mp4"}, wake=d.wake)
        requests = receiver.wait_for("/flaky", 3)
    finally:
        d.stop()
    assert len(requests) == 3 and all(r.verified for r in requests)
    assert len({r.headers["webhook-id"] for r in requests}) == 1  # the same event, for the receiver to drop repeats
    stamps = [int(r.headers["webhook-timestamp"]) for r in requests]
    assert stamps == sorted(stamps)
    (row,) = store.list_deliveries(webhook.id)
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.DELIVERED, 3, 200)


def test_retries_follow_the_schedule_then_give_up(store: Store, receiver: Receiver) -> None:
    receiver.flaky_failures = 99
    webhook = register(store, receiver, "/flaky")
    clock = [now() + timedelta(seconds=1)]
    start = clock[0]
    d = Deliverer(store, retry_delays=(5, 30), timeout_s=5, allow_private=True, clock=lambda: clock[0])
    registry.publish(store, EventType.JOB_FAILED, {"id": 3})
    assert d.run_once() == 1
    (row,) = store.list_deliveries(webhook.id)
    assert (row.state, row.attempts, row.status_code, row.error) == (DeliveryState.PENDING, 1, 500, "HTTP 500")
    assert (row.next_attempt_at - clock[0]).total_seconds() == 5
    clock[0] = start + timedelta(seconds=4)
    assert d.run_once() == 0  # not due yet
    clock[0] = start + timedelta(seconds=5)
    assert d.run_once() == 1
    assert (store.list_deliveries(webhook.id)[0].next_attempt_at - clock[0]).total_seconds() == 30
    clock[0] = start + timedelta(seconds=35)
    assert d.run_once() == 1
    (row,) = store.list_deliveries(webhook.id)
    assert (row.state, row.attempts, row.next_attempt_at) == (DeliveryState.FAILED, 3, None)
    assert len(receiver.requests) == 3


def test_a_receiver_that_never_answers_times_out(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/hang")
    d = deliverer(store, retry=(60,), timeout=0.5)
    registry.publish(store, EventType.JOB_COMPLETED, {"id": 1})
    started = time.monotonic()
    assert d.run_once() == 1
    assert time.monotonic() - started < 10  # the receiver would hold it 30 s; loose for a loaded machine
    (row,) = store.list_deliveries(webhook.id)
    assert (row.state, row.status_code, row.error) == (DeliveryState.PENDING, None, "no answer within 0.5 s")


def test_publishing_never_waits_for_a_receiver(store: Store, receiver: Receiver) -> None:
    register(store, receiver, "/hang")
    d = deliverer(store, timeout=25)  # stuck on the receiver for far longer than the publishing below may take
    d.start()
    try:
        registry.publish(store, EventType.JOB_COMPLETED, {"id": 1}, wake=d.wake)
        receiver.wait_for("/hang", 1)  # the deliverer is now stuck on the receiver
        started = time.monotonic()
        for n in range(20):
            registry.publish(store, EventType.JOB_COMPLETED, {"id": n}, wake=d.wake)
        assert time.monotonic() - started < 10.0  # 20 INSERTs; the receiver holds the deliverer for 25 s
    finally:
        receiver.release.set()
        d.stop()


def test_redirects_are_not_followed(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/redirect")
    registry.publish(store, EventType.VIDEO_DELETED, {"id": 1})
    deliverer(store).run_once()
    (row,) = store.list_deliveries(webhook.id)
    assert (row.state, row.status_code) == (DeliveryState.PENDING, 302)
    assert [r.path for r in receiver.requests] == ["/redirect"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://localhost:8501/api", "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
     "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/",
     "http://[fc00::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "http://224.0.0.1/", "http://240.0.0.1/",
     "http://[64:ff9b::a00:1]/", "http://2130706433/", "http://0x7f.1/"],
)
def test_internal_addresses_are_refused(store: Store, url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        registry.register(store, url, None, allow_private=False)
    assert "VTM_WEBHOOKS_ALLOW_PRIVATE" in refused.value.message or "cannot be resolved" in refused.value.message
    assert store.list_webhooks() == []


@pytest.mark.parametrize(
    ("url", "events", "says"),
    [("ftp://example.com/", None, "only http"), ("http:///path", None, "no host"), ("https://u:p@example.com/", None, "password"),
     ("http://example.com/" + "a" * 2100, None, "2048"), ("http://exa mple.com/", None, "spaces"), ("", None, "give the"),
     (42, None, "give the"), ("http://93.184.216.34/", ["job.exploded"], "not an event type"),
     ("http://93.184.216.34/", [], "at least one"), ("http://93.184.216.34/", "job.failed", "a list"),
     ("http://[::1/", None, "not a valid URL"), ("http://93.184.216.34:99999/", None, "not a valid URL")],
)
def test_bad_registrations_say_what_is_wrong(store: Store, url: object, events: object, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        registry.register(store, url, events, allow_private=False)


def test_a_public_address_is_accepted(store: Store) -> None:
    # An IP literal resolves without DNS; nothing is sent.
    webhook = registry.register(store, "https://93.184.216.34/hooks?x=1", ["job.failed", "job.failed"], allow_private=False)
    assert webhook.events == (EventType.JOB_FAILED,)
    assert [w.id for w in store.list_webhooks()] == [webhook.id]


def test_the_address_is_checked_again_at_delivery(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/ok")  # allowed when it was registered
    registry.publish(store, EventType.JOB_COMPLETED, {"id": 1})
    deliverer(store, allow_private=False).run_once()
    (row,) = store.list_deliveries(webhook.id)
    assert row.state is DeliveryState.PENDING and "loopback, private or reserved" in (row.error or "")
    assert receiver.requests == []


def test_the_sender_connects_to_the_checked_address_not_a_new_lookup(receiver: Receiver) -> None:
    # A name that no DNS knows: the request can only arrive through the pinned address.
    port = int(receiver.url.rsplit(":", 1)[1])
    target = guard.Target("http", "hooks.example.invalid", port, "/ok", ("127.0.0.1",))
    receiver.secret = new_secret()
    body = b'{"type":"webhook.test"}'
    assert sender.post(target, body, signed_headers(receiver.secret, "msg_x", int(time.time()), body.decode()), 5) == 204
    (request,) = receiver.requests
    assert request.headers["host"] == f"hooks.example.invalid:{port}" and request.verified


def test_test_event_and_delete(store: Store, receiver: Receiver) -> None:
    webhook = register(store, receiver, "/ok", ["video.deleted"])
    event_id = registry.send_test(store, webhook.id)
    deliverer(store).run_once()
    (request,) = receiver.wait_for("/ok", 1)
    assert json.loads(request.body)["type"] == "webhook.test" and request.headers["webhook-id"] == event_id
    store.delete_webhook(webhook.id)
    with pytest.raises(NotFound):
        store.list_deliveries(webhook.id)
    assert store._read("SELECT count(*) FROM webhook_deliveries") == [(0,)]


def test_retry_schedule_setting() -> None:
    assert Settings.from_env({}).retry_delays == (5, 30, 120, 600, 3600)
    assert Settings.from_env({"VTM_WEBHOOK_RETRY_S": "1, 2"}).retry_delays == (1, 2)
    for bad in ("soon", "-1", "5,,x"):
        with pytest.raises(InvalidInput, match="VTM_WEBHOOK_RETRY_S"):
            Settings.from_env({"VTM_WEBHOOK_RETRY_S": bad})


@pytest.mark.slow
def test_kill_9_between_attempts_loses_no_delivery(tmp_path: Path, receiver: Receiver) -> None:
    data = tmp_path / "data"
    base = Store(data / "vtm.duckdb")
    store = base
    webhook = register(store, receiver, "/flaky")
    event_id = registry.publish(store, EventType.JOB_COMPLETED, {"id": 9})
    base.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def child() -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, "-m", "tests.webhook_child", str(data), "2,2,2"], env=env, cwd=ROOT,
                                   stdout=subprocess.PIPE)
        assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
        return process

    def kill(process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.stdout is not None
        process.stdout.close()

    first = child()
    receiver.wait_for("/flaky", 1)  # the first attempt failed (500); the retry is 2 s away
    time.sleep(0.3)
    kill(first)
    base = Store(data / "vtm.duckdb")  # the folder lock went with the killed process
    (row,) = base.list_deliveries(webhook.id)
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.PENDING, 1, 500)
    base.close()
    second = child()
    try:
        requests = receiver.wait_for("/flaky", 3)
        time.sleep(1.0)  # time to record the 200 before the process is killed too
    finally:
        kill(second)
    assert len(requests) == 3 and {r.headers["webhook-id"] for r in requests} == {event_id}
    base = Store(data / "vtm.duckdb")
    (row,) = base.list_deliveries(webhook.id)
    base.close()
    assert (row.state, row.attempts, row.status_code) == (DeliveryState.DELIVERED, 3, 200)
