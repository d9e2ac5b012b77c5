"""Issue 13's user items that need no browser: names kept as given and stored safely,
why `auto` chose the poster, a time past the end, rotation as ffprobe says it, files
written with the umask, the byte-range rules and the storyboard zip."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vtm.assembly import Assembly
from vtm.errors import BadRequest, Conflict, InvalidInput
from vtm.files import given_name, stored_filename
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.media.storyboard import parse_vtt
from vtm.models import JobKind
from vtm.web.ranges import RangeNotSatisfiable, parse_range

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NAMES = ["cuts_**bold**_<i>x.mp4", 'a:b|c?"d".mov', "[link](http://x.y/) &amp;.mp4", "a/../b.mp4", "$x$ :red[y].webm",
                 "  spaced  name .mkv", "ünï  cödé.mp4", "***.mp4"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_are_kept_as_given_and_stored_under_a_safe_name(rt: Assembly, videos: dict[str, Path], name: str) -> None:
    video = rt.service.add_local_file(videos["landscape"], name)
    assert video.filename == name.strip()  # as given (only surrounding blanks go)
    on_disk = rt.service.source_file(video)
    assert on_disk.parent.name == "source" and on_disk.name == stored_filename(name)
    assert not set('<>:"|?*') & set(on_disk.name) and on_disk.suffix == Path(name.strip()).suffix.lower()
    assert rt.service.get_video(video.id).filename == name.strip()
    assert [v.filename for v in rt.service.list_videos(search=name.strip()[:6])] == [name.strip()]


def test_the_same_given_name_twice_is_refused_a_like_safe_name_is_not(rt: Assembly, videos: dict[str, Path]) -> None:
    first = rt.service.add_local_file(videos["landscape"], "cuts_**bold**_<i>x.mp4")
    with pytest.raises(Conflict):
        rt.service.add_local_file(videos["landscape"], "cuts_**bold**_<i>x.mp4")
    second = rt.service.add_local_file(videos["landscape"], stored_filename(first.filename))  # the old, changed name
    assert second.filename == "cuts_bold_ix.mp4" and second.id != first.id
    assert rt.service.source_file(first) != rt.service.source_file(second)


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01", ".."])
def test_a_name_with_nothing_usable_is_refused(raw: str) -> None:
    with pytest.raises(BadRequest):
        given_name(raw)


def test_a_name_from_an_old_data_folder_still_reads(rt: Assembly, videos: dict[str, Path]) -> None:
    """A video added before names were kept as given has its safe name in the row and on disk."""
    video = rt.service.add_local_file(videos["landscape"], "old_name.mp4")
    assert rt.service.source_file(video).name == "old_name.mp4"


def test_auto_says_why_it_chose_the_poster(rt: Assembly, videos: dict[str, Path]) -> None:
    from vtm.ui.player_view import auto_reason

    video = rt.service.add_local_file(videos["black_intro"], "intro.mp4")
    choice = rt.service.poster_choice(video)
    assert choice is not None and choice.candidates == 12 and choice.rejected is None
    assert choice.skipped.get("dark", 0) >= 1  # the black intro's candidates were seen and refused
    assert video.duration and 0 < choice.time < video.duration
    text = auto_reason(choice)
    assert text.startswith(f"auto chose {choice.time:.1f} s: ") and "not black" in text and "black" in text.split("skipped")[1]
    rt.service.delete_video(video.id)
    assert not rt.service._data.poster_choice_path(video.id).exists()


def test_a_time_past_the_end_says_so() -> None:
    class Clip:
        width, height, duration = 320, 240, 2.0

    with pytest.raises(InvalidInput, match="past the end") as caught:
        ThumbnailOptions.parse({"width": 320, "at": "99"}, Clip())
    assert caught.value.field == "at"
    assert ThumbnailOptions.parse({"width": 320, "at": "2"}, Clip()).at.value == 2.0  # the end itself is fine
    with pytest.raises(InvalidInput) as caught:
        ThumbnailOptions.parse({"width": 320, "quality": 500}, Clip())
    assert caught.value.field == "quality"


def test_rotation_is_reported_as_ffprobe_reports_it(rt: Assembly, videos: dict[str, Path]) -> None:
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams", "-of", "json",
                            str(videos["portrait"])], capture_output=True, text=True, check=True)
    side = json.loads(probe.stdout)["streams"][0].get("side_data_list", [])
    ffprobe_rotation = next(int(d["rotation"]) for d in side if "rotation" in d)
    video = rt.service.add_local_file(videos["portrait"])
    assert video.to_dict()["rotation"] == ffprobe_rotation == -90
    from vtm.ui.format import video_facts

    assert "rotation -90°" in video_facts(video)


def test_cli_outputs_follow_the_umask(tmp_path: Path, videos: dict[str, Path]) -> None:
    vtm = [sys.executable, "-m", "vtm"]
    for mask, file_mode, dir_mode in ((0o027, 0o640, 0o750),):  # not the usual 022: mkstemp's 0600 would not pass
        out = tmp_path / f"out{mask:o}"
        for kind in ("thumbnail", "storyboard"):
            subprocess.run([*vtm, kind, str(videos["landscape"]), "-o", str(out), "-q"], check=True, cwd=ROOT,
                           preexec_fn=lambda m=mask: os.umask(m), capture_output=True)  # noqa: PLW1509
        thumb = next(out.glob("*.jpg"))
        board = next(out.glob("*.storyboard"))
        assert stat.S_IMODE(thumb.stat().st_mode) == file_mode
        assert stat.S_IMODE(board.stat().st_mode) == dir_mode
        assert {stat.S_IMODE(p.stat().st_mode) for p in board.iterdir()} == {file_mode}


@pytest.mark.parametrize(("header", "span"), [
    ("bytes=0-99", (0, 99)), ("bytes=100-", (100, 999)), ("bytes=-50", (950, 999)), ("bytes=990-5000", (990, 999)),
    ("bytes=-5000", (0, 999)), ("BYTES = 5-6", (5, 6)), (None, None), ("bytes=0-1,5-6", None), ("items=0-1", None),
    ("bytes=9-2", None), ("bytes=abc", None), ("bytes=-", None),
])
def test_range_header(header: str | None, span: tuple[int, int] | None) -> None:
    assert parse_range(header, 1000) == span


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_range(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


def test_storyboard_zip_plays_as_it_is(rt: Assembly, videos: dict[str, Path]) -> None:
    video = rt.service.add_local_file(videos["landscape"], "holiday **1**.mp4")
    job, _ = rt.service.request_output(video.id, JobKind.STORYBOARD, {"every": 0.5, "columns": 2, "rows": 1})
    rt.workers.drain()
    job = rt.service.get_job(job.id)
    assert rt.service.zip_name(job) == "holiday 1.storyboard.zip"  # the video's name, safe for any disk
    archive = zipfile.ZipFile(io.BytesIO(rt.service.output_zip(job)))
    names = archive.namelist()
    assert all(n.startswith("holiday 1.storyboard/") for n in names)
    files = {Path(n).name for n in names}
    cues = parse_vtt(archive.read("holiday 1.storyboard/storyboard.vtt").decode())
    assert len(cues) == 4 and len({c.sprite for c in cues}) == 2  # two sprites of 2x1 tiles
    assert {c.sprite for c in cues} <= files  # each cue names a sprite of the zip, relatively
    assert all("/" not in c.sprite for c in cues)
    assert rt.service.download_name(job, rt.service.output_files(job)[1]) == "holiday 1.storyboard-0.jpg"


@pytest.mark.anyio
async def test_the_player_url_works_when_reads_need_the_token(tmp_path: Path, videos: dict[str, Path]) -> None:
    """A `<video>` cannot send `Authorization`: the page's ticket in `?ticket=` stands in, on reads only."""
    from tests.api_server import in_process
    from vtm import tickets

    token = "s3cret-token-long-enough"
    async with in_process(tmp_path, api_token=token, api_token_reads=True) as (rt, c):
        video = rt.service.add_local_file(videos["landscape"], "clip.mp4")
        url = f"/api/videos/{video.id}/source"
        assert (await c.get(url)).status_code == 401
        assert (await c.get(url, params={"ticket": "forged"})).status_code == 401
        ranged = await c.get(url, params={"ticket": tickets.mint(token)}, headers={"Range": "bytes=0-9"})
        assert ranged.status_code == 206 and len(ranged.content) == 10
        assert (await c.delete(f"/api/videos/{video.id}", params={"ticket": tickets.mint(token)})).status_code == 401


def test_scripts_vtm_runs_the_cli_without_activating_the_venv(tmp_path: Path) -> None:
    """After ./scripts/start, `vtm` is not on PATH: ./scripts/vtm runs it from anywhere."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([str(ROOT / "scripts" / "vtm"), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("usage: vtm"), done.stderr


def test_a_poster_chosen_by_hand_is_not_called_auto(rt: Assembly, videos: dict[str, Path]) -> None:
    from vtm.ui.player_view import poster_reason

    video = rt.service.add_local_file(videos["landscape"], "picked.mp4")
    assert poster_reason(rt.service, video).startswith("auto chose ")
    video = rt.service.set_poster(video.id, "1")
    assert poster_reason(rt.service, video) == "chosen by hand at 1.0 s"
