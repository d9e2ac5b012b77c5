"""No deletion by guess: a lost or older database leaves every upload and output on
disk; `vtm doctor` says what disagrees and `--repair` registers lost videos again
(same ids, working thumbnails) and moves the rest aside, deleting nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from tests.api_server import ROOT, LiveServer, wait_for
from vtm import assembly, doctor
from vtm.config import Settings
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.models import JobKind


def files_by_content(data: Path) -> dict[str, str]:
    """sha256 -> one path, for every file in the data folder but the database's own."""
    found = {}
    for path in data.rglob("*"):
        if path.is_file() and not path.name.startswith("vtm."):
            found[hashlib.sha256(path.read_bytes()).hexdigest()] = str(path.relative_to(data))
    return found


def vtm_cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VTM_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "vtm", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def fill_library(client: httpx.Client, videos: dict[str, Path], names: list[str]) -> list[dict[str, Any]]:
    added = []
    for name in names:
        response = client.post("/api/videos", files={"video": (f"{name}.mp4", videos[name].read_bytes())})
        assert response.status_code == 201, response.text
        video = response.json()
        added.append(video)
        job = client.post(f"/api/thumbnails/{video['id']}/96/0").json()
        wait_for(client, f"/api/jobs/{job['id']}")
    sheet = client.post(f"/api/videos/{added[0]['id']}/outputs", json={"kind": "sheet", "columns": 2, "rows": 1}).json()
    wait_for(client, f"/api/jobs/{sheet['id']}")
    return added


def thumbnail_works(client: httpx.Client, video_id: int, width: int) -> None:
    job = client.post(f"/api/thumbnails/{video_id}/{width}/0").json()
    done = wait_for(client, f"/api/jobs/{job['id']}")
    picture = cv2.imdecode(np.frombuffer(client.get(f"/api/jobs/{done['id']}/output").content, np.uint8), cv2.IMREAD_COLOR)
    assert picture is not None and picture.shape[1] == width and picture.std() > 10


@pytest.mark.slow
def test_a_lost_database_deletes_nothing_and_doctor_repair_brings_the_videos_back(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    data = tmp_path / "data"
    first = LiveServer(data).start()
    with first.client() as client:
        added = fill_library(client, videos, ["landscape", "wide", "portrait"])
    first.stop()
    before = files_by_content(data)
    for name in ("vtm.duckdb", "vtm.duckdb.wal"):
        (data / name).unlink(missing_ok=True)

    second = LiveServer(data).start()
    with second.client() as client:
        assert client.get("/api/videos").json() == []
    second.stop()
    assert files_by_content(data) == before, "a start without a database must delete nothing"
    assert "3 video folders without a row" in second.log() and second.errors() == []

    report = vtm_cli(data, "doctor")
    assert report.returncode == 1, report.stdout + report.stderr
    assert "3 video folders without a row" in report.stdout
    for video in added:
        assert f"videos/{video['id']}  videos/{video['id']}/source/{video['filename']}" in report.stdout
    assert "outputs without a job" in report.stdout and "Traceback" not in report.stderr

    repaired = vtm_cli(data, "doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert vtm_cli(data, "doctor").returncode == 0
    after = files_by_content(data)
    assert set(before) <= set(after), "the repair must delete nothing"
    moved = sorted(after[h] for h in before if after[h] != before[h])
    assert moved and all(p.startswith("quarantine/") for p in moved), moved

    third = LiveServer(data).start()
    try:
        with third.client() as client:
            back = {v["id"]: v for v in client.get("/api/videos").json()}
            assert {v["id"]: v["filename"] for v in added} == {i: v["filename"] for i, v in back.items()}
            for video in added:
                assert back[video["id"]]["sha256"] == video["sha256"]
                assert (data / "videos" / str(video["id"]) / "poster.jpg").is_file()
                thumbnail_works(client, video["id"], 112)
            fresh = client.post("/api/videos", files={"video": ("fade.mp4", videos["fade"].read_bytes())}).json()
            assert fresh["id"] > max(back)
    finally:
        third.stop()
    assert third.errors() == []
    print(f"\nvtm doctor on the lost database:\n{report.stdout}\nvtm doctor --repair:\n{repaired.stdout}")


@pytest.mark.slow
def test_restoring_an_older_backup_deletes_nothing_newer(tmp_path: Path, videos: dict[str, Path]) -> None:
    data = tmp_path / "data"
    server = LiveServer(data).start()
    with server.client() as client:
        old = fill_library(client, videos, ["landscape", "wide"])
    server.stop()
    shutil.copy(data / "vtm.duckdb", tmp_path / "backup.duckdb")
    server = LiveServer(data).start()
    with server.client() as client:
        new = fill_library(client, videos, ["portrait", "fade"])
    server.stop()
    before = files_by_content(data)
    shutil.copy(tmp_path / "backup.duckdb", data / "vtm.duckdb")
    (data / "vtm.duckdb.wal").unlink(missing_ok=True)

    server = LiveServer(data).start()
    try:
        with server.client() as client:
            assert sorted(v["id"] for v in client.get("/api/videos").json()) == [v["id"] for v in old]
            later = client.post("/api/videos", files={"video": ("black.mp4", videos["black_intro"].read_bytes())}).json()
            assert later["id"] > max(v["id"] for v in new), "a new video must not reuse a folder the old database forgot"
    finally:
        server.stop()
    assert set(before) <= set(files_by_content(data)), "restoring an older database must delete nothing newer"
    for video in new:
        assert (data / "videos" / str(video["id"]) / "source" / video["filename"]).is_file()
    assert vtm_cli(data, "doctor", "--repair").returncode == 0
    server = LiveServer(data).start()
    try:
        with server.client() as client:
            ids = sorted(v["id"] for v in client.get("/api/videos").json())
            assert ids == sorted([*(v["id"] for v in old + new), later["id"]])
            thumbnail_works(client, new[0]["id"], 88)
    finally:
        server.stop()


def test_doctor_says_in_one_line_that_the_server_holds_the_folder_and_asks_it_with_api(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data").start()
    try:
        (server.data_dir / "notes.txt").write_text("mine")
        held = vtm_cli(server.data_dir, "doctor")
        assert held.returncode == 2 and "Traceback" not in held.stderr
        assert held.stderr.count("\n") == 1 and f"in use by process {server.pid}" in held.stderr, held.stderr
        assert "--api" in held.stderr
        asked = vtm_cli(server.data_dir, "doctor", "--api", server.url)
        assert asked.returncode == 1 and "notes.txt" in asked.stdout, asked.stdout + asked.stderr
        fixed = vtm_cli(server.data_dir, "doctor", "--api", server.url, "--repair")
        assert fixed.returncode == 0, fixed.stdout + fixed.stderr
        assert not (server.data_dir / "notes.txt").exists()
        assert [p.read_text() for p in (server.data_dir / "quarantine").rglob("notes.txt")] == ["mine"]
    finally:
        server.stop()


def test_every_kind_of_disagreement_is_found_and_repaired_without_deleting_a_file(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    rt = assembly.build(Settings(data_dir=tmp_path / "data", workers=1, isolation="thread"), start_workers=False)
    try:
        kept = rt.service.add_local_file(videos["landscape"])
        gone = rt.service.add_local_file(videos["wide"])
        thumb = rt.service.request_thumbnail(kept.id, 64, 0)
        sheet, _ = rt.service.request_output(kept.id, JobKind.SHEET, {"columns": 2, "rows": 1})
        rt.workers.drain()
        root = rt.data.root
        (root / "notes.txt").write_text("mine")                                        # unknown
        (root / "tmp" / "draft.mp4").write_bytes(b"draft")                              # unknown, in tmp
        (root / "thumbnails" / "thumbnail_1_999_0.jpg").write_bytes(b"\xff\xd8stray")  # output without a job
        (root / "outputs" / "4242").mkdir()                                             # output without a job
        (root / "outputs" / "4242" / "sheet.jpg").write_bytes(b"\xff\xd8stray sheet")
        rt.data.absolute(rt.store.get_job(sheet.id).output_path or "").unlink()         # job whose output is missing
        rt.data.absolute(gone.path).unlink()                                            # video whose file is missing
        rt.store.insert_jobs_bulk(31337, JobKind.THUMBNAIL, [ThumbnailOptions(width=1, height=1)])  # job whose video is gone
        (root / "videos" / "500" / "source").mkdir(parents=True)                         # lost folder, not a video
        (root / "videos" / "500" / "source" / "notes.mp4").write_bytes(b"not a video at all")
        before = files_by_content(root)

        report = doctor.examine(rt.data, rt.store)
        assert report.counts() == {
            "video folders without a row": 1, "videos whose file is missing": 1, "outputs without a job": 2,
            "jobs whose output is missing": 1, "jobs whose video is gone": 1, "unknown files": 2,
        }, report.to_dict()
        actions = rt.service.check_data_folder(repair=True)["actions"]
        after = doctor.examine(rt.data, rt.store)
        assert after.counts()["videos whose file is missing"] == 1, "reported, never repaired by deleting the row"
        assert not after.ok and sum(after.counts().values()) == 1, after.to_dict()
        assert set(before) <= set(files_by_content(root)), "doctor --repair deleted a file"
        assert any("videos/500: not registered" in line for line in actions), actions
        assert rt.store.get_job(sheet.id).status.value == "FAILED"
        assert rt.store.get_job(thumb.id).status.value == "COMPLETED"
    finally:
        rt.close()
