"""Issue 16 end to end, through the real server: a real clip copied slowly into a watched
folder is imported once after it settles, with its folder's recipe made; a real
receiver gets signed `video.added` and `job.completed` events (fails twice, then
succeeds, the retry made by a server started again after kill -9); moving the file
away marks the video missing (outputs kept) and back restores it; `/api/duplicates`
finds a mirrored and a trimmed copy of a clip and not an unrelated clip."""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import scene_clips
from tests.api_server import LiveServer
from tests.webhook_receiver import Receiver
from vtm import assembly
from vtm.config import Settings

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")
RECIPE = [{"kind": "thumbnail", "options": {"width": 320, "height": 0, "at": "auto"}},
          {"kind": "storyboard", "options": {"every": 5}}, {"kind": "scenes"}]
STABLE_S = 1.0


def poll(read: Any, until: Any, timeout: float = 30.0, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s; last: {value!r}")
        time.sleep(step)


def copy_slowly(source: Path, dest: Path, chunks: int = 8, pause: float = 0.25) -> float:
    """Write `source` to `dest` in chunks with pauses shorter than the settle time (a slow
    network copy); returns when it ended."""
    data = source.read_bytes()
    size = -(-len(data) // chunks)
    with open(dest, "wb") as out:
        for n in range(chunks):
            if n:
                time.sleep(pause)
            out.write(data[n * size : (n + 1) * size])
            out.flush()
    return time.monotonic()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    source = scene_clips.scenes_clip(folder / "source.mp4", 31, seconds=24)
    return {"source": source, "mirrored": scene_clips.variant(source, "mirrored", folder),
            "trimmed": scene_clips.variant(source, "first_10s_cut", folder),
            "other": scene_clips.scenes_clip(folder / "other.mp4", 32, seconds=16)}


def test_watched_copy_recipe_signed_events_restart_and_missing(tmp_path: Path, clips: dict[str, Path],
                                                               receiver: Receiver) -> None:
    jobs_receiver = Receiver().start()
    watched, elsewhere, data = tmp_path / "camera", tmp_path / "elsewhere", tmp_path / "data"
    watched.mkdir()
    elsewhere.mkdir()
    # The folder's recipe, saved in the data folder's DuckDB as the Settings page does.
    with assembly.build(Settings(data_dir=data, isolation="thread"), start_workers=False) as rt:
        rt.service.set_recipe(str(watched), RECIPE)
    env = {"VTM_WATCH": str(watched), "VTM_WATCH_STABLE_S": str(STABLE_S), "VTM_WEBHOOKS_ALLOW_PRIVATE": "1",
           "VTM_WEBHOOK_RETRY_S": "2,2,2", "VTM_DUPLICATES": "0"}
    first = LiveServer(data, **env).start()
    second: LiveServer | None = None
    try:
        with first.client() as api:
            answer = api.post("/api/webhooks", json={"url": f"{receiver.url}/flaky", "events": ["video.added"]})
            assert answer.status_code == 201, answer.text
            hook = answer.json()
            assert hook["secret"].startswith("whsec_") and hook["events"] == ["video.added"]
            receiver.secret = hook["secret"]
            answer = api.post("/api/webhooks", json={"url": f"{jobs_receiver.url}/ok", "events": ["job.completed"]})
            jobs_receiver.secret = answer.json()["secret"]
            assert [set(w) for w in api.get("/api/webhooks").json()] == [{"id", "url", "events", "created_at"}] * 2
            ended = copy_slowly(clips["source"], watched / "trip.mp4")
            (video,) = poll(lambda: api.get("/api/videos").json(), lambda v: len(v) == 1)
            delay = time.monotonic() - ended
            print(f"\nimported {delay:.1f} s after the copy ended (settle time {STABLE_S} s)")
            assert delay >= STABLE_S * 0.9 and video["imported"] and video["missing"] is False
            # The first delivery of video.added failed (500); kill -9 before its retry.
            receiver.wait_for("/flaky", 1)
        first.stop(sig=signal.SIGKILL)
        second = LiveServer(data, **env).start()
        with second.client() as api:
            requests = receiver.wait_for("/flaky", 3, timeout=30)
            added = [r for r in requests if json.loads(r.body)["type"] == "video.added"]
            assert len(added) == 3 and len({r.headers["webhook-id"] for r in added}) == 1  # one event, tried 3 times
            assert all(r.verified for r in requests)
            body = json.loads(added[-1].body)
            assert body["data"]["id"] == video["id"] and body["data"]["filename"] == "trip.mp4"
            jobs = poll(lambda: api.get("/api/jobs", params={"video_id": video["id"]}).json(),
                        lambda js: len(js) == 3 and all(j["status"] == "COMPLETED" for j in js), timeout=60)
            assert sorted(j["kind"] for j in jobs) == ["scenes", "storyboard", "thumbnail"]
            assert next(j for j in jobs if j["kind"] == "storyboard")["params"]["every"] == 5.0
            # A job that ended before the kill -9 may have its event delivered again by the second
            # server (at least once): the same event, with the same webhook-id and body.
            completed = jobs_receiver.wait_for_events("/ok", 3)
            assert all(r.verified for r in completed)
            events = {r.headers["webhook-id"]: json.loads(r.body) for r in completed}
            assert all(json.loads(r.body) == events[r.headers["webhook-id"]] for r in completed)
            done = {b["data"]["id"]: b["data"] for b in events.values()}
            assert len(done) == len(events) and {b["type"] for b in events.values()} == {"job.completed"}
            assert set(done) == {j["id"] for j in jobs} and all(d["output_url"] for d in done.values())
            # The receiver has answered the third try; the server writes down its answer just after.
            log = poll(lambda: api.get(f"/api/webhooks/{hook['id']}/deliveries").json(),
                       lambda ds: next(d for d in ds if d["type"] == "video.added")["state"] != "pending", timeout=10)
            first_event = next(d for d in log if d["type"] == "video.added")
            assert (first_event["attempts"], first_event["status_code"], first_event["state"]) == (3, 200, "delivered")
            assert first_event["delivered_at"] and first_event["next_attempt_at"] is None
            assert len(api.get("/api/videos").json()) == 1  # imported once, restart or not
            # Moved away: missing, its outputs kept; back: found again.
            (watched / "trip.mp4").rename(elsewhere / "trip.mp4")
            poll(lambda: api.get(f"/api/videos/{video['id']}").json(), lambda v: v["missing"] is True)
            assert api.get(f"/api/jobs/{jobs[0]['id']}/output").status_code == 200
            (elsewhere / "trip.mp4").rename(watched / "trip.mp4")
            poll(lambda: api.get(f"/api/videos/{video['id']}").json(), lambda v: v["missing"] is False)
            assert len(api.get("/api/videos").json()) == 1
    finally:
        jobs_receiver.stop()
        first.stop()
        if second is not None:
            second.stop()
    assert second is not None and second.errors() == []


def test_duplicates_are_found_as_videos_arrive(tmp_path: Path, clips: dict[str, Path]) -> None:
    server = LiveServer(tmp_path / "data", VTM_WORKERS="1").start()
    try:
        with server.client() as api:
            ids = {}
            for name, path in clips.items():
                with open(path, "rb") as f:
                    answer = api.post("/api/videos", files={"video": (path.name, f, "video/mp4")})
                assert answer.status_code == 201, answer.text
                ids[answer.json()["id"]] = name
            started = time.monotonic()
            pairs = poll(lambda: api.get("/api/duplicates").json(), lambda ps: len(ps) >= 3, timeout=40)
            print(f"\nduplicate pairs stored {time.monotonic() - started:.1f} s after the last upload")
            time.sleep(0.5)
            pairs = api.get("/api/duplicates").json()
            found = {frozenset((ids[p["video_a"]], ids[p["video_b"]])): p for p in pairs}
            assert set(found) == {frozenset(("source", "mirrored")), frozenset(("source", "trimmed")),
                                  frozenset(("mirrored", "trimmed"))}
            assert found[frozenset(("source", "mirrored"))]["mirrored"] is True
            trimmed = found[frozenset(("source", "trimmed"))]
            (span,) = trimmed["ranges"]
            a_is_source = ids[trimmed["video_a"]] == "source"
            source_start = span["a_start"] if a_is_source else span["b_start"]
            assert source_start == pytest.approx(10, abs=1.5) and trimmed["similarity"] > 0.8
            other = next(i for i, n in ids.items() if n == "other")
            assert api.get("/api/duplicates", params={"video_id": other}).json() == []
            assert api.get("/api/duplicates", params={"min_similarity": "2"}).status_code == 422
            assert api.delete(f"/api/videos/{trimmed['video_b']}").status_code == 204
            assert len(api.get("/api/duplicates").json()) == 1  # its pairs went with it
    finally:
        server.stop()
    assert server.errors() == []
