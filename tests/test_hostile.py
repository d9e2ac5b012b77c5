"""Hostile and broken input through the API of the real server: each upload gets a 4xx
with a reason or a sensible thumbnail — never a 500, never a hang — and nothing is left
half-written in the data folder or the tables. Limits are checked at probe time."""

from __future__ import annotations

import dataclasses
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api_server import LiveServer, client_for, serve_module
from vtm import assembly
from vtm.config import Settings
from vtm.errors import TooLarge
from vtm.files import given_name, stored_filename

FFMPEG = ["ffmpeg", "-loglevel", "error", "-y"]


def ffmpeg(*args: str) -> None:
    subprocess.run([*FFMPEG, *args], check=True)


def lavfi(path: Path, *, size: str = "160x120", seconds: str = "1", extra: tuple[str, ...] = ()) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25", "-t", seconds, "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra, str(path))
    return path


def huge_mjpeg(path: Path, side: int) -> Path:
    """An AVI of 64x64 MJPEG frames whose headers (AVI and every JPEG) declare side x side."""
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5", "-t", "1", "-c:v", "mjpeg", str(path))
    data = bytearray(path.read_bytes())
    huge = struct.pack(">HH", side, side)
    at = 0
    while (at := data.find(b"\xff\xc0", at)) != -1:  # SOF0: length(2) precision(1) height(2) width(2)
        data[at + 5:at + 9] = huge
        at += 9
    for tag in (b"avih", b"strf"):
        at = data.find(tag)
        offset = {b"avih": 8 + 32, b"strf": 8 + 4}[tag]
        data[at + offset:at + offset + 8] = struct.pack("<II", side, side)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    good = lavfi(folder / "good.mp4")
    moov_last = lavfi(folder / "moov_last.mp4", seconds="2")
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(moov_last.read_bytes()[: moov_last.stat().st_size * 6 // 10])
    faststart = lavfi(folder / "faststart.mp4", seconds="2", extra=("-movflags", "+faststart"))
    damaged = bytearray(faststart.read_bytes())
    middle = len(damaged) // 2
    damaged[middle:middle + 4096] = bytes((i * 37 + 11) % 256 for i in range(4096))
    (folder / "corrupt_middle.mp4").write_bytes(bytes(damaged))
    audio = folder / "audio.mp4"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", str(audio))
    live = folder / "live.mkv"  # written to a pipe: no duration, no cues in the header
    with open(live, "wb") as out:
        subprocess.run([*FFMPEG, "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "1", "-c:v", "libx264",
                        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "matroska", "-"], stdout=out, check=True)
    png = folder / "image.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1", str(png))
    return {
        "good": good,
        "truncated": truncated,
        "corrupt_middle": folder / "corrupt_middle.mp4",
        "audio": audio,
        "live": live,
        "ts": lavfi(folder / "raw.ts", extra=("-f", "mpegts")),
        "one_frame": lavfi(folder / "one.mp4", extra=("-frames:v", "1")),
        "tiny": lavfi(folder / "tiny.mp4", size="16x16"),
        "huge": huge_mjpeg(folder / "huge.avi", 12000),  # FFmpeg would decode it: our limit refuses
        "absurd": huge_mjpeg(folder / "absurd.avi", 30000),  # FFmpeg itself calls the size invalid
        "png": png,
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from serve_module(tmp_path_factory, "hostile-server")


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    yield from client_for(server)


def half_written(data_dir: Path) -> list[str]:
    return [str(p) for p in data_dir.rglob("*.part")] + [str(p) for p in (data_dir / "tmp").iterdir()]


def upload(server: LiveServer, client: httpx.Client, name: str, content: bytes) -> httpx.Response:
    """POST the file; check it answered in time, with no 5xx, and left nothing half-written."""
    videos_before = {p.name for p in (server.data_dir / "videos").iterdir()}
    started = time.monotonic()
    response = client.post("/api/videos", files={"video": (name, content, "video/mp4")})
    assert time.monotonic() - started < 30, "an upload took too long"
    assert response.status_code < 500, response.text
    assert half_written(server.data_dir) == []
    videos_after = {p.name for p in (server.data_dir / "videos").iterdir()}
    rows = {str(v["id"]) for v in client.get("/api/videos").json()}
    assert videos_after <= rows, f"a folder without a row: {videos_after - rows}"
    if response.status_code != 201:
        assert videos_after == videos_before, "a refused upload left a folder"
        error = response.json()["error"]
        assert 400 <= response.status_code < 500 and error["message"] and "Traceback" not in error["message"]
    return response


def thumbnail(client: httpx.Client, video_id: int, at: str = "0") -> dict[str, Any]:
    job = client.post(f"/api/thumbnails/{video_id}/64/0", params={"at": at}).json()
    deadline = time.monotonic() + 60
    while job["status"] not in ("COMPLETED", "FAILED"):
        assert time.monotonic() < deadline, f"job {job['id']} hangs"
        time.sleep(0.1)
        job = client.get(f"/api/jobs/{job['id']}").json()
    return job


REFUSED: list[tuple[str, str, Callable[[dict[str, Path]], bytes], set[int], str]] = [
    ("zero bytes", "empty.mp4", lambda c: b"", {400, 415}, "empty"),
    ("text renamed .mp4", "notes.mp4", lambda c: b"just some notes\n" * 100, {415}, "text"),
    ("image renamed .mp4", "photo.mp4", lambda c: c["png"].read_bytes(), {415}, "image"),
    ("audio only", "song.mp4", lambda c: c["audio"].read_bytes(), {415}, "no video stream"),
    ("truncated, moov at the end missing", "cut.mp4", lambda c: c["truncated"].read_bytes(), {415}, "probably cut short"),
    ("huge declared dimensions", "huge.avi", lambda c: c["huge"].read_bytes(), {413}, "12000x12000 pixels, over the limit"),
    ("absurd declared dimensions", "absurd.avi", lambda c: c["absurd"].read_bytes(), {415}, "no frame could be decoded"),
]


@pytest.mark.parametrize(("case", "name", "make", "statuses", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_broken_files_are_refused_with_a_reason(server: LiveServer, client: httpx.Client, corpus: dict[str, Path],
                                                case: str, name: str, make: Callable[[dict[str, Path]], bytes],
                                                statuses: set[int], reason: str) -> None:
    response = upload(server, client, name, make(corpus))
    assert response.status_code in statuses, response.text
    message = response.json()["error"]["message"]
    assert reason in message and name in message, message


ODD_BUT_FINE = [
    ("1-frame video", "one.mp4", "one_frame", ("0", "50%", "auto")),
    ("no duration in the header (live mkv)", "live.mkv", "live", ("0", "50%", "0.5")),
    ("raw MPEG-TS", "raw.ts", "ts", ("0", "50%")),
    ("16x16 video", "tiny.mp4", "tiny", ("0", "auto")),
]


@pytest.mark.parametrize(("case", "name", "key", "times"), ODD_BUT_FINE, ids=[r[0] for r in ODD_BUT_FINE])
def test_odd_but_valid_videos_give_a_thumbnail(server: LiveServer, client: httpx.Client, corpus: dict[str, Path],
                                               case: str, name: str, key: str, times: tuple[str, ...]) -> None:
    response = upload(server, client, name, corpus[key].read_bytes())
    assert response.status_code == 201, response.text
    video = response.json()
    assert video["duration"] is None or video["duration"] > 0
    for at in times:
        job = thumbnail(client, video["id"], at)
        assert job["status"] == "COMPLETED", job
        image = client.get(f"/api/jobs/{job['id']}/output")
        assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"


def test_corrupt_bytes_in_the_middle_give_a_thumbnail_or_a_reason(server: LiveServer, client: httpx.Client,
                                                                   corpus: dict[str, Path]) -> None:
    response = upload(server, client, "damaged.mp4", corpus["corrupt_middle"].read_bytes())
    assert response.status_code in (201, 415), response.text
    if response.status_code == 201:
        for at in ("0", "50%", "100%"):
            job = thumbnail(client, response.json()["id"], at)
            assert job["status"] == "COMPLETED" or (job["error"] and "Traceback" not in job["error"]), job


NAMES = [
    "../../etc/passwd.mp4",
    "..\\..\\windows\\evil.mp4",
    "x" * 300 + ".mp4",
    "ünïcødé 日本語 🎬.mp4",
    "<script>alert(1)</script>.mp4",
    "<img src=x onerror=alert(1)>.mp4",
    '"><b>bold</b>.mp4',
]


@pytest.mark.parametrize("given", NAMES, ids=["dotdot", "backslash", "300 chars", "unicode", "script", "img", "quote"])
def test_hostile_names_are_kept_and_stored_safely(server: LiveServer, client: httpx.Client, corpus: dict[str, Path],
                                                  given: str) -> None:
    """The name is kept as given (issue 13: shown escaped, never changed); the file is
    stored under a safe name the server chooses, in the video's own folder."""
    response = upload(server, client, given, corpus["good"].read_bytes())
    assert response.status_code == 201, response.text
    video = response.json()
    assert video["filename"] == given_name(given)
    assert len(video["filename"]) <= 200 and (len(given) <= 200 or video["filename"] == "x" * 196 + ".mp4")
    folder = server.data_dir / "videos" / str(video["id"])
    assert sorted(p.name for p in folder.iterdir()) == [".poster.json", "poster.jpg", "source"]
    stored = [p.name for p in (folder / "source").iterdir()]
    assert stored == [stored_filename(given)]
    assert not set(stored[0]) & set('/\\\x00<>:"|?*') and not stored[0].startswith(".") and stored[0].endswith(".mp4")
    assert client.get(f"/api/videos/{video['id']}").json()["filename"] == given_name(given)


# -- limits, checked at probe time (in process: each needs its own settings) -------------------
LIMITS = [
    ({"max_width": 300}, "640x360 pixels, over the limit of 300x8192"),
    ({"max_height": 200}, "over the limit of 8192x200"),
    ({"max_duration_s": 0.5}, "1 s, longer than the limit of 0.5 s (VTM_MAX_DURATION_S)"),
    ({"max_frames": 10}, "25 frames"),
]


@pytest.mark.parametrize(("limit", "message"), LIMITS, ids=["width", "height", "duration", "frames"])
def test_limits_are_checked_at_probe_time(settings: Settings, videos: dict[str, Path], limit: dict[str, Any],
                                         message: str) -> None:
    with assembly.build(dataclasses.replace(settings, **limit), start_workers=False) as rt:
        with pytest.raises(TooLarge) as refused:
            rt.service.add_local_file(videos["wide"])
        assert message in refused.value.message and "wide.mkv" in refused.value.message, refused.value.message
        assert refused.value.code == "video_too_large"
        assert rt.store.list_videos() == []
        assert half_written(rt.data.root) == [] and list((rt.data.root / "videos").iterdir()) == []


def test_a_nul_in_the_name_is_dropped(server: LiveServer, client: httpx.Client, corpus: dict[str, Path]) -> None:
    """httpx would percent-encode a NUL; send the raw bytes as a hostile client would."""
    boundary = "vtmnul"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"video\"; filename=\"nul\x00byte.mp4\"\r\n"
            "Content-Type: video/mp4\r\n\r\n").encode() + corpus["good"].read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/api/videos", content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code in (201, 400), response.text
    if response.status_code == 201:
        assert response.json()["filename"] == "nulbyte.mp4"  # a control character is never part of a name
    assert half_written(server.data_dir) == []
