"""Thumbnail, contact sheet and storyboard: VTM beside ffmpeg, ffmpegthumbnailer, vcsi."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2

from bench import tools
from bench.timing import Stats, command, commands, interleaved
from vtm.kinds.sheet import SheetOptions
from vtm.kinds.storyboard import StoryboardOptions
from vtm.media.probe import probe
from vtm.media.sheet import make_sheet, sheet_times
from vtm.media.storyboard import make_storyboard, plan
from vtm.media.thumbnail import make_thumbnail
from vtm.models import VideoInfo

ENGINE = "VTM engine, in-process"
ENGINE_FAST = "VTM engine fast (keyframe), in-process"
FFMPEG_SS = "ffmpeg -ss (exact)"
THUMBNAILER = "ffmpegthumbnailer (keyframe)"
FFMPEG_16 = "16 × ffmpeg -ss"
VCSI = "vcsi"
FFMPEG_NOKEY = "ffmpeg -skip_frame nokey, one pass"
KEYFRAMES = "keyframe-only decode (lower bound)"
STORYBOARD_EVERY = 10.0


@dataclass
class Measure:
    section: str
    subject: str
    stats: dict[str, Stats]
    checks: dict[str, bool] = field(default_factory=dict)  # what was checked -> it holds
    extra: dict[str, float] = field(default_factory=dict)  # figures that are not times


def image_ok(path: Path, size: tuple[int, int] | None = None, min_size: tuple[int, int] = (16, 16)) -> bool:
    """The file decodes as an image of `size` (w, h), or at least `min_size`."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        return False
    h, w = image.shape[:2]
    return (w, h) == size if size else (w >= min_size[0] and h >= min_size[1])


def duration_of(source: Path) -> float | None:
    return probe(source).duration


def thumbnail(source: Path, label: str, work: Path, repeats: int) -> Measure:
    info = probe(source)
    seconds = round((info.duration or 0.0) * 0.5, 3)
    out = work / f"thumb-{source.stem}"
    out.mkdir(parents=True, exist_ok=True)
    vtm_label = tools.vtm_command()[1]
    params = {"at": f"{seconds}", "width": 320, "height": 180}

    def engine(fast: bool = False) -> None:
        data = make_thumbnail(source, {**params, "fast": fast}, info.duration)
        (out / ("engine-fast.jpg" if fast else "engine.jpg")).write_bytes(data)

    contenders = {
        ENGINE: engine,
        ENGINE_FAST: lambda: engine(True),
        vtm_label: command(tools.vtm_args("thumbnail", source, out / "cli", "--size", "320x180", "--at", f"{seconds}")),
        FFMPEG_SS: command(tools.ffmpeg_thumbnail(source, seconds, out / "ffmpeg.jpg")),
    }
    thumbnailer = tools.ffmpegthumbnailer(source, out / "ffmpegthumbnailer.jpg")
    if thumbnailer:
        contenders[THUMBNAILER] = command(thumbnailer)
    stats = interleaved(contenders, repeats)
    cli_files = sorted((out / "cli").rglob("*.jpg"))
    checks = {
        "engine thumbnail is a 320x180 JPEG": image_ok(out / "engine.jpg", (320, 180)),
        "CLI thumbnail is a 320x180 JPEG": bool(cli_files) and image_ok(cli_files[0], (320, 180)),
        "ffmpeg thumbnail decodes": image_ok(out / "ffmpeg.jpg", (320, 180)),
    }
    return Measure("thumbnail", label, stats, checks)


def sheet(source: Path, label: str, work: Path, repeats: int, with_vcsi: bool) -> Measure:
    info = probe(source)
    out = work / "sheet"
    out.mkdir(parents=True, exist_ok=True)
    vtm_label = tools.vtm_command()[1]

    def engine() -> None:
        data = make_sheet(source, info, SheetOptions().to_json(), name=source.name, size_bytes=source.stat().st_size)
        (out / "engine.jpg").write_bytes(data)

    frames = [tools.ffmpeg_thumbnail(source, t, out / f"ffmpeg-{i:02d}.jpg") for i, t in enumerate(sheet_times(info.duration, 16))]
    for cmd in frames:
        cmd[cmd.index("scale=320:180")] = "scale=320:-2"
    contenders = {
        ENGINE: engine,
        vtm_label: command(tools.vtm_args("sheet", source, out / "cli", "--grid", "4x4")),
        FFMPEG_16: commands(frames),
    }
    binary = tools.vcsi_binary() if with_vcsi else None
    if binary:
        contenders[VCSI] = command(tools.vcsi_sheet(binary, source, out / "vcsi.jpg"))
    stats = interleaved(contenders, repeats)
    cli_files = sorted((out / "cli").rglob("*.jpg"))
    checks = {
        "engine sheet decodes (>= 4x320 wide)": image_ok(out / "engine.jpg", min_size=(4 * 320, 4 * 180)),
        "CLI sheet decodes": bool(cli_files) and image_ok(cli_files[0], min_size=(4 * 160, 4 * 90)),
    }
    return Measure("sheet 4×4", label, stats, checks)


def keyframes_only(source: Path, times: list[float]) -> int:
    """The practical lower bound: seek to each time and decode its keyframe and nothing
    else (the packet alone, then drained), no conversion, no scaling."""
    decoded = 0
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for t in times:
            container.seek(int(t / stream.time_base) + (stream.start_time or 0), stream=stream, backward=True)
            for packet in container.demux(stream):
                if packet.size:
                    decoded += len(stream.decode(packet)) + len(stream.decode(None))
                    break
    return decoded


def storyboard(source: Path, label: str, work: Path, repeats: int) -> Measure:
    info: VideoInfo = probe(source)
    out = work / "storyboard"
    out.mkdir(parents=True, exist_ok=True)
    times = plan(info.duration, STORYBOARD_EVERY)
    vtm_label = tools.vtm_command()[1]
    params = {**StoryboardOptions().to_json(), "every": STORYBOARD_EVERY, "width": 160}

    def engine() -> None:
        for name, data in make_storyboard(source, info, params).items():
            (out / name).write_bytes(data)

    contenders = {
        ENGINE: engine,
        vtm_label: command(tools.vtm_args("storyboard", source, out / "cli", "--every", f"{STORYBOARD_EVERY:g}")),
        FFMPEG_NOKEY: command(tools.ffmpeg_storyboard(source, out / "ffmpeg.jpg", STORYBOARD_EVERY, len(times))),
        KEYFRAMES: lambda: keyframes_only(source, times),
    }
    stats = interleaved(contenders, repeats)
    sprites = sorted(out.glob("storyboard-*.jpg"))
    vtt = out / "storyboard.vtt"
    cues = vtt.read_text().count("#xywh=") if vtt.exists() else 0
    checks = {
        f"engine storyboard has {len(times)} cues": cues == len(times),
        "engine sprite decodes": bool(sprites) and image_ok(sprites[0], min_size=(160, 90)),
        "CLI wrote a storyboard": any((out / "cli").rglob("*.vtt")),
    }
    stats[KEYFRAMES].note = f"{len(times)} seeks"
    return Measure("storyboard", f"{label}, {len(times)} tiles", stats, checks)
