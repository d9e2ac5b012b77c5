"""The codec corpus: H.264, HEVC 8/10-bit, VP8, VP9, AV1, MPEG-2, MPEG-4, MJPEG and
ProRes in mp4, mov, mkv, webm, avi and ts, generated once per session (tiny clips).
Each probes and yields a thumbnail of the right size through the real job runner; a
rotated clip gives rotated outputs of every kind."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests import clips
from vtm import kinds, tasks
from vtm.kinds.thumbnail import ThumbnailOptions
from vtm.media.probe import probe
from vtm.media.storyboard import VTT_NAME, parse_vtt
from vtm.models import JobKind, Video, VideoStatus

CODEC_NAMES = {"libx264": "h264", "libx265": "hevc", "libvpx": "vp8", "libvpx-vp9": "vp9", "libsvtav1": "av1",
               "mpeg2video": "mpeg2video", "mpeg4": "mpeg4", "mjpeg": "mjpeg", "prores_ks": "prores"}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("codecs")
    return {f"{codec}-{pix}.{ext}": clips.encode(folder / f"{codec}-{pix}.{ext}", codec, pix, w, h)
            for codec, ext, pix, w, h in clips.CODECS}


def _video(path: Path) -> Video:
    info = probe(path)
    return Video(id=1, filename=path.name, status=VideoStatus.COMPLETED, path=str(path), size=path.stat().st_size,
                 sha256="", width=info.width, height=info.height, rotation=info.rotation, duration=info.duration)


@pytest.mark.parametrize(("codec", "ext", "pix", "width", "height"), clips.CODECS, ids=[f"{c[0]}-{c[2]}.{c[1]}" for c in clips.CODECS])
def test_probe_and_thumbnail(corpus: dict[str, Path], tmp_path: Path, codec: str, ext: str, pix: str, width: int, height: int) -> None:
    path = corpus[f"{codec}-{pix}.{ext}"]
    info = probe(path)
    assert (info.width, info.height) == (width, height)
    assert info.codec == CODEC_NAMES[codec]
    assert info.duration and 0.5 < info.duration < 1.5
    options = ThumbnailOptions.parse({"width": 48, "height": 32, "at": "auto"}, _video(path))
    dest = tmp_path / "thumb.jpg"
    out = tasks.run(tasks.Task(1, JobKind.THUMBNAIL, options, str(path), info.duration, str(dest)), lambda p: None)
    with Image.open(out) as image:
        assert image.size == (48, 32)
        grey = np.asarray(image.convert("L"))
    assert 40 < grey.mean() < 230 and grey.std() > 10, "the picture should look like the pattern, not a flat or green frame"


def test_ten_bit_hevc_looks_like_the_source(corpus: dict[str, Path]) -> None:
    from vtm.media.frames import grab
    from vtm.media.samples import pattern

    source = pattern(3, 128, 96, 8).astype(int)
    eight = grab(corpus["libx265-yuv420p.mp4"], 0.3).image.astype(int)
    ten = grab(corpus["libx265-yuv420p10le.mkv"], 0.3).image.astype(int)
    assert np.abs(ten - source).mean() < max(20, np.abs(eight - source).mean() + 5)


@pytest.fixture(scope="session")
def rotated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Coded 160x96, displayed 96x160 (a phone's portrait video)."""
    return clips.encode(tmp_path_factory.mktemp("rot") / "phone.mp4", "libx264", "yuv420p", 160, 96, seconds=2, rotation=-90)


def _portrait(data: bytes) -> bool:
    size = Image.open(io.BytesIO(data)).size
    return size[1] > size[0]


@pytest.mark.parametrize("kind", [JobKind.THUMBNAIL, JobKind.SHEET, JobKind.STORYBOARD, JobKind.PREVIEW, JobKind.SCENES])
def test_rotated_input_gives_rotated_outputs(rotated: Path, tmp_path: Path, kind: JobKind) -> None:
    video = _video(rotated)
    assert (video.width, video.height) == (96, 160)
    if kind is JobKind.THUMBNAIL:
        options = ThumbnailOptions.parse({"width": 48, "height": 0}, video)
        assert (options.width, options.height) == (48, 80)
        out = tasks.run(tasks.Task(1, kind, options, str(rotated), video.duration, str(tmp_path / "t.jpg")), lambda p: None)
        assert _portrait(Path(out).read_bytes())
        return
    options = kinds.parse(kind, {"columns": 1, "rows": 1} if kind is JobKind.SHEET else {}, video)
    out = Path(tasks.run(tasks.Task(9, kind, options, str(rotated), video.duration, str(tmp_path / "9")), lambda p: None))
    if kind is JobKind.SHEET:
        with Image.open(out) as image:
            assert image.height > image.width  # one portrait tile under a short header
    elif kind is JobKind.STORYBOARD:
        cue = parse_vtt((out.parent / VTT_NAME).read_text())[0]
        assert cue.h > cue.w
    elif kind is JobKind.PREVIEW:
        assert _portrait(out.read_bytes()) and _portrait((out.parent / "preview.gif").read_bytes())
    else:
        keyframe = json.loads(out.read_text())["scenes"][0]["keyframe"]
        assert _portrait((out.parent / keyframe).read_bytes())
