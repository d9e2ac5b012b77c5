"""The fast paths of the frame engine stay exact: the frame read at a frame's timestamp
is bit-for-bit the one `ffmpeg -ss T -i IN -frames:v 1` gives, on B-frame codecs (where
non-reference frames before the target are skipped), long GOPs, variable frame rate,
many times in one pass; keyframe mode never decodes the same keyframe twice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from tests import clips
from vtm.media import frames
from vtm.media.thumbnail import make_thumbnail

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")

# name: (file name, ffmpeg encoder arguments); every one has B-frames but VP9.
CLIPS = {
    "h264-long-gop": ("h264.mp4", ["-c:v", "libx264", "-preset", "veryfast"]),  # x264 default keyint 250
    "hevc": ("hevc.mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=100:bframes=3:log-level=error"]),
    "mpeg4": ("mpeg4.mp4", ["-c:v", "mpeg4", "-bf", "2", "-g", "120", "-q:v", "4"]),
    "mpeg2-ts": ("mpeg2.ts", ["-c:v", "mpeg2video", "-bf", "2", "-g", "60", "-q:v", "4"]),
    "vp9": ("vp9.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"]),
}
FPS = 25
SECONDS = 12  # 300 frames: with x264's default GOP, frame 299 is 49 frames after the last keyframe


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exact")
    made = {}
    for name, (file, codec) in CLIPS.items():
        path = folder / file
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size=192x108:rate={FPS}",
                        "-t", str(SECONDS), *codec, "-pix_fmt", "yuv420p", str(path)], check=True)
        made[name] = path
    return made


def ffmpeg_frame(path: Path, seconds: float, shape: tuple[int, ...]) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-ss", f"{seconds:.6f}", "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(out, np.uint8).reshape(shape)


def frame_times(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        return sorted(float((f.pts - start) * stream.time_base) for f in container.decode(stream))


def decode_all(path: Path) -> list[tuple[float, np.ndarray]]:
    """Every frame, decoded from the start: the ground truth."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        start = stream.start_time or 0
        got = [(float((f.pts - start) * stream.time_base), f.to_ndarray(format="bgr24")) for f in container.decode(stream)]
    return sorted(got, key=lambda item: item[0])


INDICES = (0, 1, 7, 120, 249, 251, 298, 299)  # first, B-frames, deep inside a GOP, after a keyframe, the end


@pytest.mark.parametrize("name", list(CLIPS))
def test_exact_frame_is_the_decoded_frame_at_that_time(corpus: dict[str, Path], name: str) -> None:
    truth = decode_all(corpus[name])
    assert len(truth) == FPS * SECONDS
    for index in INDICES:
        seconds, expected = truth[index]
        grabbed = frames.grab(corpus[name], seconds)
        assert grabbed.time == pytest.approx(seconds, abs=1e-6), f"{name}: frame {index}"
        assert np.array_equal(grabbed.image, expected), f"{name}: frame {index} differs from a decode from the start"


@pytest.mark.parametrize("name", [n for n, (file, _) in CLIPS.items() if not file.endswith(".ts")])
def test_exact_frame_is_the_one_ffmpeg_gives(corpus: dict[str, Path], name: str) -> None:
    # (ffmpeg's own seek in MPEG-TS can start decoding after a keyframe, so .ts is checked above only)
    times = frame_times(corpus[name])
    for index in INDICES:
        grabbed = frames.grab(corpus[name], times[index])
        expected = ffmpeg_frame(corpus[name], times[index], grabbed.image.shape)
        assert np.array_equal(grabbed.image, expected), f"{name}: frame {index} differs from ffmpeg -ss"


@pytest.mark.parametrize("name", ["h264-long-gop", "hevc", "mpeg2-ts"])
def test_many_times_in_one_pass_are_each_exact(corpus: dict[str, Path], name: str) -> None:
    path = corpus[name]
    times = frame_times(path)
    # Close times walk forward (some land between frames), far ones seek; out of order on purpose.
    wanted = [times[200], times[10] + 0.01, times[11], times[12] + 0.039, times[60], times[61], times[290], times[299] + 5]
    got = list(frames.grab_many(path, wanted))
    ordered = sorted(wanted)
    for g, want in zip(got, ordered, strict=True):
        shown = max(t for t in times if t <= want + 1e-6)
        assert g.requested == want and g.time == pytest.approx(shown, abs=1e-6)
        single = frames.grab(path, shown).image
        assert np.array_equal(g.image, single)


def test_variable_frame_rate_matches_ffmpeg_at_each_frame(tmp_path: Path) -> None:
    path, times = clips.vfr(tmp_path / "vfr.mp4")
    for index in (0, len(times) // 3, len(times) // 2, len(times) - 1):
        grabbed = frames.grab(path, times[index])
        assert clips.read_index(grabbed.image) == index
        expected = ffmpeg_frame(path, times[index], grabbed.image.shape)
        assert np.array_equal(grabbed.image, expected)


@pytest.mark.parametrize("past", [0.5, 100.0])
def test_time_past_the_end_gives_the_last_frame(corpus: dict[str, Path], past: float) -> None:
    path = corpus["h264-long-gop"]
    times = frame_times(path)
    grabbed = frames.grab(path, times[-1] + past)
    assert grabbed.time == pytest.approx(times[-1], abs=1e-6)
    assert np.array_equal(grabbed.image, ffmpeg_frame(path, times[-1], grabbed.image.shape))


def test_damaged_tail_gives_the_last_frame_that_decodes(corpus: dict[str, Path], tmp_path: Path) -> None:
    data = corpus["mpeg2-ts"].read_bytes()
    cut = tmp_path / "cut.ts"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    grabbed = frames.grab(cut, SECONDS - 0.5)
    assert 3.0 < grabbed.time < SECONDS - 2
    assert grabbed.image.shape == (108, 192, 3)


def test_fast_mode_takes_keyframes_and_reuses_a_repeated_one(corpus: dict[str, Path]) -> None:
    path = corpus["hevc"]  # keyframes every 100 frames: 0, 4 s, 8 s
    got = list(frames.grab_many(path, [1.0, 2.0, 5.0, 9.0], exact=False))
    assert [round(g.time, 3) for g in got] == [0.0, 0.0, 4.0, 8.0]
    assert got[0].image is got[1].image  # the same keyframe, decoded and converted once


def test_thumbnail_shrinks_before_converting_and_keeps_the_picture(tmp_path: Path) -> None:
    import cv2

    path = tmp_path / "big.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "1",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)], check=True)
    data = make_thumbnail(path, {"at": "0.5", "width": 320, "height": 180}, 1.0)
    ours = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    reference = cv2.resize(frames.grab(path, 0.5).image, (320, 180), interpolation=cv2.INTER_AREA)
    jpeg = cv2.imdecode(cv2.imencode(".jpg", reference, [cv2.IMWRITE_JPEG_QUALITY, 85])[1], cv2.IMREAD_COLOR)
    assert ours.shape == (180, 320, 3)
    # As close to "full frame, then INTER_AREA" as JPEG itself is, within 1.5 levels.
    assert np.abs(ours.astype(int) - reference).mean() < np.abs(jpeg.astype(int) - reference).mean() + 1.5


def test_nearest_takes_the_next_keyframe_when_it_is_closer(corpus: dict[str, Path]) -> None:
    path = corpus["hevc"]  # keyframes every 100 frames: 0, 4 s, 8 s
    got = list(frames.grab_many(path, [1.0, 3.0, 5.0, 7.5, 11.0], exact=False, nearest=True))
    assert [round(g.time, 3) for g in got] == [0.0, 4.0, 4.0, 8.0, 8.0]
    truth = dict(decode_all(path))
    assert all(np.array_equal(g.image, truth[g.time]) for g in got)


@pytest.mark.parametrize(("count", "expected"), [(0, "AUTO"), (1, None), (3, "AUTO")])
def test_decode_threads_sets_how_files_open(corpus: dict[str, Path], count: int, expected: str | None) -> None:
    from vtm.media.decoder import decode_threads, open_video

    with decode_threads(count), open_video(corpus["h264-long-gop"]) as (_, stream):
        kind = str(stream.thread_type)
        threads = stream.codec_context.thread_count
    if expected:
        assert expected in kind.upper() and (count <= 1 or threads == count)
    else:
        assert "FRAME" not in kind.upper()
    with open_video(corpus["h264-long-gop"]) as (_, stream):  # outside the block: FFmpeg chooses again
        assert "AUTO" in str(stream.thread_type).upper() or "FRAME" in str(stream.thread_type).upper()
