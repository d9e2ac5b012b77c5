"""A job's end, a video's addition or its deletion reaches the webhooks that want it even
when the server is killed right after it. A job's end or an addition is only queued in
memory, so the next start publishes those never written, under the same id as the live
one (`registry.row_event_id`): nothing twice, and nothing to an endpoint registered after
the event. A deletion leaves no row to find it from, so it is written before the delete
is answered."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from tests import media
from tests.api_server import LiveServer
from tests.cluster_api import upload
from tests.webhook_receiver import Receiver
from vtm.assembly import Assembly
from vtm.models import JobStatus
from vtm.webhooks import registry
from vtm.webhooks.model import EventType
from vtm.webhooks.signing import new_secret

ENV = {"VTM_WEBHOOKS_ALLOW_PRIVATE": "1", "VTM_WEBHOOK_RETRY_S": "1,1,1", "VTM_DUPLICATES": "0"}


def test_a_job_end_an_addition_and_a_deletion_just_before_a_kill_9_are_announced_after_the_restart(tmp_path: Path) -> None:
    clip = media.clip(tmp_path / "clip.mp4", seconds=1.0)
    receiver = Receiver().start()
    data = tmp_path / "data"
    server = LiveServer(data, **ENV).start()
    ended = []
    try:
        with server.client() as c:
            receiver.secret = c.post("/api/webhooks", json={"url": f"{receiver.url}/ok",
                                                            "events": ["job.completed", "video.added", "video.deleted"]}).json()["secret"]
            video = upload(c, clip)
        server.stop(sig=signal.SIGKILL)  # as soon as the upload is answered
        server = LiveServer(data, **ENV).start()
        for n in range(3):  # each round: a job ends, the server is killed as soon as the API says so
            with server.client() as c:
                job = c.post(f"/api/thumbnails/{video['id']}/{96 + 16 * n}/0").json()["id"]
                while c.get(f"/api/jobs/{job}").json()["status"] != "COMPLETED":
                    pass
            ended.append(job)
            server.stop(sig=signal.SIGKILL)
            server = LiveServer(data, **ENV).start()
        with server.client() as c:
            gone = upload(c, clip, "gone.mp4")
            assert c.delete(f"/api/videos/{gone['id']}").status_code == 204
        server.stop(sig=signal.SIGKILL)  # as soon as the delete is answered
        server = LiveServer(data, **ENV).start()
        requests = receiver.wait_for_events("/ok", 6, timeout=30)
        with server.client() as c:
            rows = c.get("/api/webhooks/1/deliveries").json()
    finally:
        server.stop()
        receiver.stop()
    events = {r.headers["webhook-id"]: json.loads(r.body) for r in requests}
    assert all(r.verified for r in requests)
    added = [e["data"] for e in events.values() if e["type"] == "video.added"]
    assert sorted(v["id"] for v in added) == [video["id"], gone["id"]], events
    deleted = [e["data"] for e in events.values() if e["type"] == "video.deleted"]
    assert [(v["id"], v["filename"]) for v in deleted] == [(gone["id"], "gone.mp4")], events
    completed = [e["data"] for e in events.values() if e["type"] == "job.completed"]
    assert sorted(j["id"] for j in completed) == ended, events  # each end once, as one event
    assert all(j["status"] == "COMPLETED" and j["output_url"] for j in completed)
    assert len(rows) == 6 and {d["event_id"] for d in rows} == set(events)  # one row per event, none twice


def test_the_catch_up_writes_nothing_twice_nor_to_a_later_endpoint(rt: Assembly, tmp_path: Path) -> None:
    svc = rt.service
    # Straight into the store: the endpoints' addresses are never resolved here (no DNS offline).
    before = rt.store.add_webhook("https://hooks.example.com/before", [EventType.JOB_COMPLETED, EventType.JOB_FAILED], new_secret())
    video = svc.import_file(media.clip(tmp_path / "clip.mp4", seconds=1.0))
    job = svc.request_thumbnail(video.id, 96, 0)
    rt.workers.drain()
    job = svc.get_job(job.id)
    assert job.status is JobStatus.COMPLETED and job.finished_at is not None
    later = rt.store.add_webhook("https://hooks.example.com/later", [EventType.JOB_COMPLETED], new_secret())
    (row,) = rt.store.list_deliveries(before.id)
    assert row.event_id == registry.row_event_id(EventType.JOB_COMPLETED, job.id, job.attempts, job.finished_at.isoformat())
    assert rt.background.announce_missed() == 0  # written under the same id: nothing again
    assert len(rt.store.list_deliveries(before.id)) == 1
    assert rt.store.list_deliveries(later.id) == []  # it did not exist when the job ended
