"""A data folder VTM cannot use stops the real server (`streamlit run app.py`) and the
CLI with one line, `vtm: <what is wrong and what to do>`, and a non-zero exit code:
never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.api_server import ROOT, STREAMLIT, free_port
from tests.tmpfs import mounted
from vtm.files import DataDir
from vtm.store import Store

# Root reads every file; without these two capabilities it obeys file modes like any user
# (and can still reach a checkout in a folder only root may enter, e.g. one made by mktemp).
WITHOUT_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def valid_database(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    Store(data / "vtm.duckdb").close()
    return data / "vtm.duckdb"


def truncated(data: Path) -> None:
    db = valid_database(data)
    os.truncate(db, 1000)


def emptied(data: Path) -> None:
    os.truncate(valid_database(data), 0)


def garbage(data: Path) -> None:
    valid_database(data).write_bytes(bytes((i * 7919) % 251 for i in range(300_000)))


def database_is_a_folder(data: Path) -> None:
    (data / "vtm.duckdb").mkdir(parents=True)


def folder_is_a_file(data: Path) -> None:
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("not a folder")


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated database": (truncated, "is damaged or not a VTM database"),
    "empty database file": (emptied, "is damaged or not a VTM database"),
    "garbage database": (garbage, "is damaged or not a VTM database"),
    "database is a folder": (database_is_a_folder, "is a folder, not a file"),
    "data folder is a file": (folder_is_a_file, "is a file, not a folder"),
}


def serve(data: Path, *, obey_modes: bool = False) -> subprocess.CompletedProcess[str]:
    """`streamlit run app.py` on `data`; it must exit by itself."""
    env = {**os.environ, "VTM_DATA_DIR": str(data), "VTM_WORKERS": "1"}
    command = [str(STREAMLIT), "run", "app.py", "--server.port", str(free_port()), "--server.address", "127.0.0.1",
               "--server.headless", "true"]
    if obey_modes:
        command = [*WITHOUT_OVERRIDE, *command]
    try:
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the server did not exit: {exc.stdout!r} {exc.stderr!r}") from None


def cli(data: Path, *args: str, obey_modes: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vtm", *args]
    if obey_modes:
        command = [*WITHOUT_OVERRIDE, *command]
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "VTM_DATA_DIR": str(data)}, capture_output=True,
                          text=True, timeout=120, check=False)


def one_line(done: subprocess.CompletedProcess[str], expected: str) -> str:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output and " ERROR " not in output, output
    lines = [line for line in output.splitlines() if line.startswith("vtm:")]
    assert len(lines) == 1, output
    assert expected in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def a_video(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Path:
    folder = tmp_path_factory.mktemp("to-import")
    shutil.copy(videos["landscape"], folder / "clip.mp4")
    return folder


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_data_folder_is_one_line_from_the_server_and_the_cli(tmp_path: Path, a_video: Path, case: str) -> None:
    make, expected = CASES[case]
    data = tmp_path / "data"
    make(data)
    line = one_line(serve(data), expected)
    one_line(cli(data, "doctor"), expected)
    one_line(cli(data, "import", str(a_video)), expected)
    print(f"\n{case}: {line}")


def test_an_unreadable_database_is_one_line(tmp_path: Path, a_video: Path) -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is missing: cannot run VTM without root's right to read every file")
    data = tmp_path / "data"
    valid_database(data)
    (data / "vtm.duckdb").chmod(0o000)
    try:
        line = one_line(serve(data, obey_modes=True), "cannot be read or written (Permission denied)")
        one_line(cli(data, "doctor", obey_modes=True), "Permission denied")
    finally:
        (data / "vtm.duckdb").chmod(0o600)
    print(f"\nunreadable database: {line}")


def test_a_read_only_data_folder_is_one_line(tmp_path: Path, a_video: Path) -> None:
    with mounted(tmp_path / "ro", 4) as mount:
        data = mount / "data"
        DataDir(data)  # a whole library, then its disk turns read-only
        valid_database(data)
        (data / "vtm.lock").unlink(missing_ok=True)
        done = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot remount {mount} read-only: {done.stderr.strip()}")
        line = one_line(serve(data), "cannot be written (Read-only file system")
        one_line(cli(data, "doctor"), "Read-only file system")
        one_line(cli(data, "import", str(a_video)), "Read-only file system")
    print(f"\nread-only data folder: {line}")
