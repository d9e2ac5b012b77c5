from __future__ import annotations

from pathlib import Path

import pytest

from vtm.errors import BadRequest, TooLarge
from vtm.files import DataDir, Receiver, atomic_path, safe_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("clip.mp4", "clip.mp4"),
        ("../../etc/passwd.mp4", "passwd.mp4"),
        ("..\\..\\windows\\clip.mp4", "clip.mp4"),
        ("a\x00b.mp4", "ab.mp4"),
        ("  spaced   name .mp4 ", "spaced name.mp4"),
        ("vidéo été.mkv", "vidéo été.mkv"),
        ("<script>alert(1)</script>.mp4", "script.mp4"),  # "/" splits: only the last part stays
        ("<img src=x onerror=alert(1)>.mp4", "img src=x onerror=alert(1).mp4"),
        ("x" * 300 + ".mp4", "x" * 196 + ".mp4"),
    ],
)
def test_safe_filename(raw: str, expected: str) -> None:
    name = safe_filename(raw)
    assert name == expected
    assert "/" not in name and "\\" not in name and name not in (".", "..")


@pytest.mark.parametrize("raw", ["", "   ", "..", "../", "/", "\x00"])
def test_unusable_names_are_refused(raw: str) -> None:
    with pytest.raises(BadRequest, match="no usable name"):
        safe_filename(raw)


def test_atomic_path_leaves_nothing_on_error(tmp_path: Path) -> None:
    dest = tmp_path / "out.jpg"
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with atomic_path(dest) as tmp:
        tmp.write_bytes(b"whole")
    assert [p.name for p in tmp_path.iterdir()] == ["out.jpg"] and dest.read_bytes() == b"whole"


def test_receiver_refuses_past_the_limit_and_removes_the_file(tmp_path: Path) -> None:
    receiver = Receiver(tmp_path, limit_bytes=10)
    receiver.write(b"12345")
    with pytest.raises(TooLarge):
        receiver.write(b"678901")
    assert list(tmp_path.iterdir()) == []


def test_thumbnail_names_follow_the_old_service(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    defaults = {"at": "0", "fit": "cover", "format": "jpg"}
    plain = data.thumbnail_path(7, {"width": 320, "height": 180, "at": "0", "fit": "cover", "format": "jpg"}, defaults)
    other = data.thumbnail_path(7, {"width": 320, "height": 180, "at": "40%", "fit": "contain", "format": "png"}, defaults)
    assert plain.name == "thumbnail_7_320_180.jpg"
    assert other.name == "thumbnail_7_320_180_at-40pct_fit-contain.png"


def test_clear_unfinished_removes_only_vtm_named_leftovers(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    (data.tmp / "upload-1.part").write_bytes(b"x")
    (data.tmp / ".5-abc.part").mkdir()
    (tmp_path / "thumbnails" / ".thumbnail_1_2_3.jpg.abc.part").write_bytes(b"x")
    (tmp_path / "videos" / "3").mkdir()
    (tmp_path / "videos" / "3" / ".poster.jpg.x1.part").write_bytes(b"x")
    # not named by VTM: left where they are, whatever the database says
    (data.tmp / "notes.txt").write_bytes(b"mine")
    (tmp_path / "thumbnails" / "holiday.jpg").write_bytes(b"mine")
    (tmp_path / "videos" / "3" / "clip.mp4").write_bytes(b"mine")
    assert data.clear_unfinished() == 4
    assert [p.name for p in data.tmp.iterdir()] == ["notes.txt"]
    assert [p.name for p in (tmp_path / "thumbnails").iterdir()] == ["holiday.jpg"]
    assert [p.name for p in (tmp_path / "videos" / "3").iterdir()] == ["clip.mp4"]
