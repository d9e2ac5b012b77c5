"""The `vtm` command line as a user runs it (`python -m vtm ...` in a subprocess):
outputs on disk, exit codes 0/1/2 with each failed input named, no Streamlit or
DuckDB on the picture path, `import` by reference, and `import` while `vtm serve`
holds the data folder (one clear line, then `--api` through the server)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.api_server import free_port, interrupt
from vtm.media.storyboard import parse_vtt

ROOT = Path(__file__).resolve().parent.parent


def vtm(*args: str | Path, data: Path | None = None, check_rc: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if data is not None:
        env["VTM_DATA_DIR"] = str(data)
    done = subprocess.run([sys.executable, "-m", "vtm", *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)
    if check_rc is not None:
        assert done.returncode == check_rc, (done.stdout, done.stderr)
    return done


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Path:
    """Two good videos and one broken one."""
    root = tmp_path_factory.mktemp("cli-in")
    for name in ("landscape", "portrait"):
        (root / videos[name].name).write_bytes(videos[name].read_bytes())
    (root / "broken.mp4").write_bytes(videos["corrupt"].read_bytes())
    (root / "notes.txt").write_text("not a video")
    return root


def test_thumbnail_size_fit_and_names(videos: dict[str, Path], tmp_path: Path) -> None:
    done = vtm("thumbnail", videos["landscape"], videos["portrait"], "--size", "320x180", "--at", "auto", "--fit", "cover",
               "-o", tmp_path, check_rc=0)
    written = [Path(line) for line in done.stdout.split()]
    assert [p.name for p in written] == ["landscape.jpg", "portrait.jpg"]
    for path in written:
        with Image.open(path) as image:
            assert image.size == (320, 180)
    assert done.stderr == ""


def test_a_folder_with_one_broken_file_exits_1_and_names_it(folder: Path, tmp_path: Path) -> None:
    done = vtm("thumbnail", folder, "--size", "64x0", "-o", tmp_path, check_rc=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landscape.jpg", "portrait.jpg"]
    failed = done.stderr.strip().splitlines()
    assert len(failed) == 1 and failed[0].startswith("vtm: ") and "broken.mp4: " in failed[0], failed


@pytest.mark.parametrize(
    "args",
    [("thumbnail", "x.mp4", "--size", "big"), ("thumbnail", "x.mp4", "--at", "150%"), ("sheet", "x.mp4", "--grid", "4"),
     ("storyboard", "x.mp4", "--every", "0"), ("frobnicate",), (), ("thumbnail",), ("thumbnail", "x.mp4", "--fit", "zoom")],
)
def test_usage_errors_exit_2_before_any_work(args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    from vtm.cli import main

    with pytest.raises(SystemExit) as exited:
        sys.exit(main(list(args)))
    assert exited.value.code == 2
    assert "usage" in capsys.readouterr().err.lower()


def test_sheet_storyboard_preview(videos: dict[str, Path], tmp_path: Path) -> None:
    src = videos["landscape"]
    sheet = Path(vtm("sheet", src, "--grid", "3x2", "--width", "100", "-o", tmp_path, check_rc=0).stdout.strip())
    with Image.open(sheet) as image:
        assert sheet.name == "landscape.sheet.jpg" and image.width == 3 * 100 + 4 * 6
    vtt = Path(vtm("storyboard", src, "--every", "0.5", "-o", tmp_path, check_rc=0).stdout.strip())
    cues = parse_vtt(vtt.read_text())
    assert vtt == tmp_path / "landscape.storyboard" / "storyboard.vtt" and len(cues) == 4
    assert all((vtt.parent / cue.sprite).is_file() for cue in cues)  # relative sprite names work from the folder
    previews = vtm("preview", src, "--moments", "2", "--seconds", "0.4", "-o", tmp_path, check_rc=0).stdout.split()
    assert [Path(p).name for p in previews] == ["landscape.preview.webp", "landscape.preview.gif"]


def test_scenes_csv_and_json_on_stdout(videos: dict[str, Path], tmp_path: Path) -> None:
    from tests import clips

    cuts = clips.with_cuts(tmp_path / "cuts.mp4")
    rows = list(csv.DictReader(io.StringIO(vtm("scenes", cuts, "--csv", check_rc=0).stdout)))
    assert [int(r["start_frame"]) for r in rows] == [0, *clips.CUT_FRAMES]
    data = json.loads(vtm("scenes", cuts, "--json", "-o", tmp_path, check_rc=0).stdout)
    assert len(data[0]["scenes"]) == 4
    assert (tmp_path / "cuts.scenes" / "scene-004.jpg").is_file() and (tmp_path / "cuts.scenes" / "scenes.csv").is_file()


def test_picture_commands_import_neither_streamlit_nor_duckdb(videos: dict[str, Path], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "vtm", "thumbnail", str(videos["landscape"]), "-o",
                           str(tmp_path), "-q"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "av" in imported and "cv2" in imported
    assert not imported & {"streamlit", "duckdb", "starlette", "pandas", "pyarrow"}


def test_import_adds_by_reference_and_skips_what_is_there(folder: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = vtm("import", folder, data=data, check_rc=1)  # the broken file fails
    assert first.stdout.count("by reference") == 2 and "broken.mp4" in first.stderr
    copies = [p for p in (data / "videos").rglob("*") if p.suffix == ".mp4"]
    assert copies == []  # nothing copied: only the posters were written
    again = vtm("import", folder / "landscape.mp4", data=data, check_rc=0)
    assert again.stdout.startswith("skipped") and "already in the library" in again.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`vtm serve` on a free port, stopped with Ctrl-C."""
    data = tmp_path_factory.mktemp("served") / "data"
    port = free_port()
    log = open(data.parent / "serve.log", "wb")  # noqa: SIM115 - the server writes to it until the end
    process = subprocess.Popen(
        [sys.executable, "-m", "vtm", "serve", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "VTM_DATA_DIR": str(data), "VTM_WORKERS": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (data.parent / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "vtm serve did not answer in 60 s"
            time.sleep(0.2)
        yield url, data
    finally:
        interrupt(process)
        log.close()


@pytest.mark.slow
def test_import_while_served_says_so_then_goes_through_the_api(served: tuple[str, Path], folder: Path) -> None:
    url, data = served
    refused = vtm("import", folder, data=data, check_rc=1)
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "in use by process" in lines[0] and "--api" in lines[0]
    through = vtm("import", folder, "--api", url, check_rc=1)
    assert through.stdout.count("uploaded") == 2 and "broken.mp4" in through.stderr
    names = {v["filename"] for v in httpx.get(f"{url}/api/videos").json()}
    assert names == {"landscape.mp4", "portrait.mp4"}


def test_an_imported_file_that_moved_fails_its_jobs_with_a_reason(videos: dict[str, Path], tmp_path: Path) -> None:
    from vtm import assembly
    from vtm.config import Settings

    moved = tmp_path / "moving.mp4"
    moved.write_bytes(videos["landscape"].read_bytes())
    vtm("import", moved, data=tmp_path / "data", check_rc=0)
    moved.unlink()
    rt = assembly.build(Settings(data_dir=tmp_path / "data", isolation="thread", workers=1), start_workers=False).install()
    try:
        (video,) = rt.service.list_videos()
        assert video.imported and video.path == str(moved)
        rt.service.request_thumbnail(video.id, 64, 0)
        (job,) = rt.workers.drain()
        assert job.status == "FAILED" and "missing" in (job.error or "")
        rt.service.delete_video(video.id)
    finally:
        rt.close()
