"""What each picture rule costs (README "Outputs"): every measure times the rule as VTM
applies it against the same work without it, interleaved, in-process.

- shot-true storyboard tiles vs the keyframe at or before each time, on the benchmark's
  long file (the 10-minute 1080p one: keyframes every 8.3 s, no cuts) and on real
  footage with cuts between its keyframes (bikes.mp4 from tests/real_clips.py, five cuts
  in 10 s, re-encoded here with a keyframe every 2 s whatever the picture);
- a measured duration (a 2-minute live WebM, no duration in its header) vs the same
  stream with one;
- HDR tone mapping vs the plain conversion of a 1080p PQ frame (a 320x180 thumbnail and
  the full picture);
- deinterlacing (bwdif on the frame and its neighbours) vs the plain conversion of a
  PAL frame;
- display aspect: scaling a 704x576 SAR 16:11 frame to 1024x576 vs converting it as stored.
"""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

from bench import scenes_accuracy
from bench.inputs import ffmpeg_binary
from bench.media_cases import Measure
from bench.timing import interleaved
from vtm.media import keyframes, picture
from vtm.media.decoder import decoded, open_video
from vtm.media.frames import grab_many
from vtm.media.look import Look, look_of
from vtm.media.probe import probe
from vtm.media.storyboard import plan

ROUNDS = 20  # conversions per timed call: one takes about a millisecond
TILE = picture.exact_size(160, 90)


def storyboard_rule(source: Path, label: str, every: float, repeats: int) -> Measure:
    info = probe(source)
    times = plan(info.duration, every)
    chosen: dict[str, int] = {}

    def shot_true() -> None:
        grabs = keyframes.grab_keyframes(source, times, size=TILE)
        chosen["exact"] = sum(1 for g in grabs if g.time not in _keyframe_times(source))

    def keyframe_before() -> None:
        list(grab_many(source, times, exact=False, size=TILE))

    stats = interleaved({"shot-true tiles (VTM)": shot_true, "keyframe at or before each time": keyframe_before}, repeats)
    stats["shot-true tiles (VTM)"].note = f"{chosen.get('exact', 0)} of {len(times)} tiles read exactly"
    return Measure("rule costs", f"storyboard, {label}, {len(times)} tiles", stats)


_KEYS: dict[Path, set[float]] = {}


def _keyframe_times(source: Path) -> set[float]:
    if source not in _KEYS:
        with open_video(source) as (container, stream):
            start = stream.start_time or 0
            _KEYS[source] = {float((p.pts - start) * stream.time_base) for p in container.demux(stream) if p.is_keyframe and p.pts is not None}
    return _KEYS[source]


def _cuts_between_keyframes(work: Path) -> Path:
    """bikes.mp4 (real edited footage, its keyframes at its cuts) re-encoded with a
    keyframe every 2 s and none at the cuts."""
    path = work / "bikes-keyframe-every-2s.mp4"
    if not path.exists():
        subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-i", str(scenes_accuracy.clip_path("bikes.mp4")), "-an",
                        "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
                        str(path)], check=True)
    return path


def duration_rule(work: Path, repeats: int) -> Measure | None:
    ffmpeg = ffmpeg_binary()
    live, indexed = work / "live.webm", work / "indexed.webm"
    with open(live, "wb") as out:
        done = subprocess.run([ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30,trim=0:120", "-c:v",
                               "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M", "-f", "webm", "-live", "1", "-"],
                              stdout=out)
    if done.returncode != 0:
        return None
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(live), "-c", "copy", str(indexed)], check=True)
    stats = interleaved({"probe, duration measured (live WebM, 120 s)": lambda: probe(live),
                         "probe, duration in the header": lambda: probe(indexed)}, repeats)
    return Measure("rule costs", "duration of a live WebM", stats)


def _first_frame(path: Path) -> tuple[Any, Look]:
    with open_video(path) as (container, stream):
        frame = next(decoded(container, stream))
        return frame, look_of(stream, frame)


def hdr_rule(work: Path, repeats: int) -> Measure | None:
    ffmpeg = shutil.which("ffmpeg")
    path = work / "pq-1080p.mp4"
    if ffmpeg is None or subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-t", "0.2", "-vf",
         "zscale=tin=bt709:min=bt709:pin=bt709:t=smpte2084:npl=203:p=bt2020:m=bt2020nc,format=yuv420p10le", "-c:v",
         "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-color_primaries", "bt2020",
         "-color_trc", "smpte2084", "-colorspace", "bt2020nc", str(path)], capture_output=True).returncode != 0:
        return None  # an ffmpeg without zscale
    frame, look = _first_frame(path)
    sdr = Look(sar=look.sar, rotation=look.rotation)
    small = picture.exact_size(320, 180)
    stats = interleaved({
        f"tone-mapped, 320x180, {ROUNDS} times": lambda: _times(lambda: picture.to_image(frame, look, small)),
        f"plain, 320x180, {ROUNDS} times": lambda: _times(lambda: picture.to_image(frame, sdr, small)),
        "tone-mapped, 1920x1080": lambda: picture.to_image(frame, look),
        "plain, 1920x1080": lambda: picture.to_image(frame, sdr),
    }, repeats)
    return Measure("rule costs", "HDR10 frame to SDR (conversion only)", stats)


def _times(work: Any) -> None:
    for _ in range(ROUNDS):
        work()


def interlace_rule(work: Path, repeats: int) -> Measure:
    path = work / "interlaced.ts"
    subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=720x576:rate=50", "-t", "0.5",
                    "-vf", "tinterlace=mode=interleave_top,setfield=tff", "-c:v", "mpeg2video", "-flags", "+ilme+ildct",
                    "-top", "1", str(path)], check=True)
    with open_video(path) as (container, stream):
        frames = list(decoded(container, stream))[:3]
        look = look_of(stream, frames[0])
    plain = Look(sar=look.sar, rotation=look.rotation)
    stats = interleaved({
        f"deinterlaced (bwdif), 720x576, {ROUNDS} times": lambda: _times(
            lambda: picture.to_image(frames[1], look, before=frames[0], after=frames[2])),
        f"as decoded, 720x576, {ROUNDS} times": lambda: _times(lambda: picture.to_image(frames[1], plain)),
    }, repeats)
    return Measure("rule costs", "interlaced PAL frame (conversion only)", stats)


def aspect_rule(work: Path, repeats: int) -> Measure:
    import av
    import numpy as np

    path = work / "pal-sar.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 704, 576, "yuv420p"
        stream.codec_context.sample_aspect_ratio = Fraction(16, 11)
        image = np.zeros((576, 704, 3), np.uint8)
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    frame, look = _first_frame(path)
    square = Look(rotation=look.rotation)
    stats = interleaved({f"shown 1024x576 (SAR 16:11), {ROUNDS} times": lambda: _times(lambda: picture.to_image(frame, look)),
                         f"as stored, 704x576, {ROUNDS} times": lambda: _times(lambda: picture.to_image(frame, square))},
                        repeats)
    return Measure("rule costs", "display aspect (conversion only)", stats)


def measures(long_source: Path, long_label: str, work: Path, repeats: int) -> list[Measure]:
    work.mkdir(parents=True, exist_ok=True)
    found = [storyboard_rule(long_source, long_label, 10.0, repeats),
             storyboard_rule(_cuts_between_keyframes(work), "real footage, 10 s, 5 cuts between keyframes", 0.5, repeats),
             duration_rule(work, repeats), hdr_rule(work, repeats), interlace_rule(work, repeats), aspect_rule(work, repeats)]
    return [m for m in found if m is not None]
