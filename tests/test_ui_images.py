"""Pictures on the dashboard are bounded (vtm/ui/images.py, vtm/media/display.py): a huge
or broken output shows a placeholder on every page instead of breaking it, and a big
picture is shrunk by a decoder process, never decoded at full size in the server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.library_cards import library_cards
from tests.test_pages import app
from vtm import assembly
from vtm.assembly import Assembly
from vtm.config import Settings
from vtm.media import display
from vtm.models import JobKind

pytestmark = pytest.mark.usefixtures("navigation_only")  # pages run inside dashboard.py (conftest)

PLACEHOLDER = "This picture is not shown"


def huge_png(path: Path) -> None:
    """1400x179200 (250 MP, over Pillow's bomb limit): 30 KB on disk, 31 MB to make as 1-bit."""
    Image.new("1", (1400, 179200)).save(path, "PNG")


def page_text(at: object) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "error") for e in getattr(at, kind)]
    return "\n".join([str(p) for p in parts] + [t for card in library_cards(at) for t in card.texts])


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@pytest.mark.parametrize("spoil", ["huge", "broken", "empty", "truncated"])
def test_a_huge_or_broken_output_shows_a_placeholder_and_every_page_renders(rt: Assembly, videos: dict[str, Path],
                                                                             spoil: str) -> None:
    video = rt.service.add_local_file(videos["black_intro"], "spoilt.mp4")
    requests = [(JobKind.THUMBNAIL, {"width": 64, "height": 0, "format": "png"}), (JobKind.SHEET, {"columns": 2, "rows": 1}),
                (JobKind.STORYBOARD, {"every": 2}), (JobKind.SCENES, {})]
    jobs = [rt.service.request_output(video.id, kind, options)[0] for kind, options in requests]
    rt.workers.drain()
    spoilt = [rt.service.poster_path(video)]
    for job in jobs:
        spoilt += [p for p in rt.service.output_files(rt.store.get_job(job.id)) if p.suffix in (".png", ".jpg")]
    for path in spoilt:
        assert path is not None
        if spoil == "huge":
            huge_png(path)
        elif spoil == "broken":
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
        elif spoil == "empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    pages = [app(), app("library"), app("library", video=str(video.id))]
    jobs_page = app("jobs")
    for job in jobs:
        jobs_page.number_input(key="jobs_pick").set_value(job.id).run()
        pages.append(jobs_page)
        assert not jobs_page.exception, jobs_page.exception
        assert PLACEHOLDER in page_text(jobs_page), job.kind
    for at in pages:
        assert not at.exception, at.exception
        assert PLACEHOLDER in page_text(at)
    scrub = pages[2].select_slider[0]
    scrub.set_value(len(scrub.options) - 1).run()
    assert not pages[2].exception and PLACEHOLDER in page_text(pages[2])


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[Assembly]:
    with assembly.build(Settings(data_dir=tmp_path / "data", workers=1, isolation="process"),
                        start_workers=False).install() as started:
        yield started


def test_a_big_picture_is_shrunk_by_a_decoder_process_not_the_server(isolated: Assembly, videos: dict[str, Path]) -> None:
    rt = isolated
    video = rt.service.add_local_file(videos["landscape"], "big.mp4")
    job, _ = rt.service.request_output(video.id, JobKind.THUMBNAIL, {"width": 7000, "height": 7000, "format": "png"})
    rt.workers.drain()
    output = rt.service.output_file(rt.store.get_job(job.id))
    with Image.open(output) as made:
        assert made.size == (7000, 7000)  # 49 MP: 147 MB of RGB to decode
    at = app("jobs")  # warm: Streamlit, pandas and pyarrow loaded
    Path("/proc/self/clear_refs").write_text("5")  # reset this process's peak RSS
    before = vm_hwm_mb()
    at.number_input(key="jobs_pick").set_value(job.id).run()  # the job's panel shows its picture
    grew = vm_hwm_mb() - before
    print(f"rendering the page with a 7000x7000 PNG raised the peak RSS by {grew:.0f} MB")
    assert not at.exception and PLACEHOLDER not in page_text(at)
    assert len(at.image) == 1
    assert grew < 50, f"the page's render raised the server's peak RSS by {grew:.0f} MB"
    shown = rt.service.display_copy(output, 1280)
    with Image.open(io.BytesIO(shown)) as copy:
        assert copy.size == (1280, 1280)


def test_the_decode_cost_counts_jpeg_at_its_reduced_scale(tmp_path: Path) -> None:
    path = tmp_path / "tall.jpg"
    Image.new("RGB", (1400, 20000), (200, 30, 30)).save(path, quality=60)
    info = display.header(path)
    assert display.decode_cost(info, 480) == 175 * 2500  # decoded at 1/8
    assert display.decode_cost(info, 480, crop=(0, 0, 10, 10)) == 1400 * 20000  # a crop needs full resolution
    with Image.open(io.BytesIO(display.shrink(path, 480, max_pixels=500_000))) as small:
        assert max(small.size) == 480 and small.getpixel((small.width // 2, small.height // 2))[0] > 150
