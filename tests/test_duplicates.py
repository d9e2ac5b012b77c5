"""Near-duplicates: real variants of a clip made by ffmpeg (another codec and bitrate, half
size, mirrored, a 10 % crop, the first 10 s cut, a 20 s excerpt, and a mirrored half-size
excerpt) are all found with the right time ranges, unrelated clips are not; 1,000
synthetic fingerprints are searched with every planted copy found and nothing else."""

from __future__ import annotations

import itertools
import shutil
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from tests import scene_clips, synthetic_fingerprints
from vtm.duplicates import duplicates_of, find_duplicates
from vtm.media.fingerprint import Fingerprint, fingerprint_file, fingerprint_frames
from vtm.media.phash import is_flat, mirrored, phash, small_grey
from vtm.media.probe import probe

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by the test script")

# Where each variant's footage sits in the source (seconds): (source start, source end).
SPANS = {"source": (0, 45), "vp9_low_bitrate": (0, 45), "half_size": (0, 45), "mirrored": (0, 45), "cropped": (0, 45),
         "first_10s_cut": (10, 45), "excerpt_20s": (12, 32), "mirrored_half_excerpt": (5, 30)}
UNRELATED = {"other_a": (2, 30), "other_b": (3, 40), "other_c": (4, 25), "other_d": (5, 35)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Fingerprint]:
    folder = tmp_path_factory.mktemp("duplicates")
    source = scene_clips.scenes_clip(folder / "source.mp4", 1, seconds=45)
    paths = {"source": source, **{name: scene_clips.variant(source, name, folder) for name in scene_clips.VARIANTS}}
    for name, (seed, seconds) in UNRELATED.items():
        paths[name] = scene_clips.scenes_clip(folder / f"{name}.mp4", seed, seconds=seconds)
    return {name: fingerprint_file(path, probe(path).duration) for name, path in paths.items()}


def test_every_variant_is_found_and_no_unrelated_pair(corpus: dict[str, Fingerprint]) -> None:
    names = sorted(corpus)
    found = {frozenset((names[d.video_a], names[d.video_b])) for d in find_duplicates(dict(enumerate(corpus[n] for n in names)))}
    expected = {frozenset(p) for p in itertools.combinations(SPANS, 2)}
    true_positives = found & expected
    precision = len(true_positives) / len(found)
    recall = len(true_positives) / len(expected)
    print(f"\nduplicates on real variants: {len(found)} pairs reported, {len(expected)} expected: "
          f"precision {precision:.2f}, recall {recall:.2f}")
    assert found - expected == set(), "unrelated pairs reported"
    assert expected - found == set(), "variants missed"


@pytest.mark.parametrize("name", [n for n in SPANS if n != "source"])
def test_ranges_say_where_the_footage_is(corpus: dict[str, Fingerprint], name: str) -> None:
    (pair,) = duplicates_of(2, {1: corpus["source"], 2: corpus[name]})
    assert (pair.video_a, pair.video_b) == (1, 2)
    assert pair.mirrored == ("mirrored" in name)
    start, end = SPANS[name]
    assert len(pair.ranges) == 1, pair.ranges
    r = pair.ranges[0]
    # The source's range is where the variant's footage came from; the variant's starts at 0.
    assert r.a_start == pytest.approx(start, abs=1.5) and r.a_end == pytest.approx(end, abs=1.5), r
    assert r.b_start == pytest.approx(0, abs=1.5) and r.b_end == pytest.approx(end - start, abs=1.5), r
    assert r.a_end - r.a_start == pytest.approx(r.b_end - r.b_start, abs=0.01)
    floor = 0.55 if name == "cropped" else 0.9
    assert floor <= pair.similarity <= 1.0


def test_two_variants_match_on_their_common_part(corpus: dict[str, Fingerprint]) -> None:
    # first_10s_cut holds source 10-45 s, mirrored_half_excerpt source 5-30 s: 10-30 s is shared.
    (pair,) = find_duplicates({1: corpus["first_10s_cut"], 2: corpus["mirrored_half_excerpt"]})
    (r,) = pair.ranges
    assert pair.mirrored
    assert (r.a_start, r.a_end) == pytest.approx((0, 20), abs=1.5) and (r.b_start, r.b_end) == pytest.approx((5, 25), abs=1.5)
    assert pair.similarity == pytest.approx(20 / 25, abs=0.08)  # 20 s of the shorter 25 s


def test_black_and_still_footage_is_no_evidence(tmp_path: Path) -> None:
    black = np.zeros((90, 160, 3), np.uint8)
    still = np.full((90, 160, 3), 128, np.uint8)
    cv2.rectangle(still, (20, 20), (80, 70), (250, 250, 250), -1)
    a = fingerprint_frames([(t, black if t < 20 else still) for t in range(40)])
    b = fingerprint_frames([(t, black if t < 20 else still) for t in range(25)])
    assert a.flat[:20].all() and not a.flat[20:].any()
    # 20 s of one identical still are not enough (a coincidence between unrelated videos
    # looks the same); 30 s are.
    assert find_duplicates({1: a, 2: b}) == []
    c = fingerprint_frames([(t, still) for t in range(30)])
    d = fingerprint_frames([(t, still) for t in range(30)])
    assert [p.similarity for p in find_duplicates({1: c, 2: d})] == [1.0]


def test_phash_of_a_mirror_image_is_the_mirrored_hash(corpus: dict[str, Fingerprint]) -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        image = cv2.GaussianBlur(rng.integers(0, 256, (72, 128, 3), dtype=np.uint8), (0, 0), 6)
        assert bin(phash(cv2.flip(image, 1)) ^ mirrored(phash(image))).count("1") <= 2
        assert bin(phash(image) ^ phash(cv2.flip(image, 1))).count("1") > 8  # mirroring changes the plain hash
    assert is_flat(small_grey(np.zeros((10, 10), np.uint8)))


def test_fingerprint_survives_the_database_round_trip(corpus: dict[str, Fingerprint]) -> None:
    original = corpus["source"]
    copy = Fingerprint.from_blobs(original.every_s, *original.to_blobs())
    assert np.array_equal(copy.hashes, original.hashes) and np.array_equal(copy.flat, original.flat)
    assert len(original) == 45 and original.duration == 45.0


def test_a_video_of_unknown_duration_is_decoded_frame_by_frame(tmp_path: Path) -> None:
    path = scene_clips.scenes_clip(tmp_path / "short.mp4", 9, seconds=8)
    seeking, walking = fingerprint_file(path, probe(path).duration), fingerprint_file(path, None)
    assert len(seeking) == len(walking) == 8
    assert int(np.bitwise_count(seeking.hashes ^ walking.hashes).max()) <= 2


def test_search_over_1000_synthetic_videos() -> None:
    library = synthetic_fingerprints.library(videos=1000, planted=50)
    frames = sum(len(f) for f in library.fingerprints.values())
    find_duplicates(library.fingerprints)  # warm up NumPy's allocations
    started = time.perf_counter()
    found = find_duplicates(library.fingerprints)
    elapsed = time.perf_counter() - started
    pairs = {(d.video_a, d.video_b): d for d in found}
    print(f"\nduplicate search: 1000 videos, {frames} frames: {elapsed * 1000:.0f} ms, {len(pairs)} pairs")
    assert set(pairs) == set(library.planted)
    for (source, copy), (start, mirror) in library.planted.items():
        pair = pairs[(source, copy)]
        assert pair.mirrored == mirror
        black = int(np.argmin(library.fingerprints[copy].flat))  # black seconds cannot match
        assert pair.ranges[0].a_start == pytest.approx(start + black, abs=1.5)


def test_fingerprints_kept_in_duckdb_find_a_copy_in_the_library(rt, tmp_path: Path) -> None:
    clip = scene_clips.scenes_clip(tmp_path / "trip.mp4", 21, seconds=14)
    original = rt.service.add_local_file(clip)
    copy = rt.service.add_local_file(scene_clips.variant(clip, "half_size", tmp_path), "trip-small.mp4")
    store = rt.store
    for video in (original, copy):
        store.save_fingerprint(video.id, fingerprint_file(rt.data.absolute(video.path), video.duration))
    (pair,) = find_duplicates(rt.store.load_fingerprints())
    assert (pair.video_a, pair.video_b, pair.mirrored) == (original.id, copy.id, False) and pair.similarity > 0.9
    rt.service.delete_video(copy.id)
    assert list(store.load_fingerprints()) == [original.id]  # a deleted video's fingerprint no longer counts


def test_a_stop_does_not_wait_for_a_decoder_process_that_never_starts(tmp_path: Path, videos: dict[str, Path],
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    """The indexer holds the executor lock while the fingerprints' decoder process starts;
    that start was seen blocked for good (subprocess.Popen waiting on its exec-error pipe).
    Here the start never returns: the server's stop goes on after EXECUTOR_WAIT_S and says
    why, instead of waiting with it for ever."""
    import threading

    from tests import bulk_rows
    from vtm import assembly
    from vtm.config import Settings
    from vtm.executors.base import Cancelled
    from vtm.service.background import EXECUTOR_WAIT_S, Background

    data = tmp_path / "data"
    bulk_rows.fill(data, 1, 0, videos["landscape"])  # one video, not fingerprinted yet
    rt = assembly.build(Settings(data_dir=data, isolation="thread"), start_workers=False)
    released = threading.Event()

    class Stopped:  # what the start gives once the test is over: a decoder that refuses, as a stopped one does
        def call(self, *args: Any, **kwargs: Any) -> Any:
            raise Cancelled("stopped")

        def close(self) -> None:
            pass

    def start_that_never_returns() -> Any:
        released.wait()
        return Stopped()

    background = Background(rt.settings, rt.data, rt.store, start_that_never_returns)
    try:
        assert background.indexer is not None
        background.indexer.start()  # its thread takes video 1, and the lock to make the executor
        deadline = time.monotonic() + 10
        while not background._executor_lock.locked() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert background._executor_lock.locked()
        started = time.monotonic()
        background.stop()
        took = time.monotonic() - started
        # the lock's wait, then the indexer's own join (its thread is stuck too)
        assert EXECUTOR_WAIT_S <= took < EXECUTOR_WAIT_S + 12, took
        assert "still starting" in caplog.text
    finally:
        released.set()
        if background.indexer is not None and background.indexer._thread is not None:
            background.indexer._thread.join(60)
        rt.close()


def test_a_decoder_process_that_did_not_start_skips_one_video_and_the_next_tries_again(
        tmp_path: Path, videos: dict[str, Path], caplog: pytest.LogCaptureFixture) -> None:
    """A start given up (SpawnTimeout, vtm/executors/spawner.py) leaves that video for the next
    start of VTM with a warning, not an error with a traceback, and the next video makes the
    decoder again and is fingerprinted."""
    from tests import bulk_rows
    from vtm import assembly
    from vtm.config import Settings
    from vtm.executors.spawner import SpawnTimeout
    from vtm.service.background import Background

    data = tmp_path / "data"
    bulk_rows.fill(data, 2, 0, videos["landscape"])  # two videos, not fingerprinted yet
    rt = assembly.build(Settings(data_dir=data, isolation="thread"), start_workers=False)
    starts: list[str] = []

    def first_start_fails() -> Any:
        starts.append("start")
        if len(starts) == 1:
            raise SpawnTimeout("the process did not start in 30 s")
        return assembly.fingerprint_executor(rt.settings)

    background = Background(rt.settings, rt.data, rt.store, first_start_fails)
    try:
        assert background.indexer is not None
        background.indexer.start()
        deadline = time.monotonic() + 60
        while not rt.store.load_fingerprints() and time.monotonic() < deadline:
            time.sleep(0.05)
        fingerprinted = set(rt.store.load_fingerprints())
    finally:
        background.stop()
        rt.close()
    assert len(starts) == 2 and len(fingerprinted) == 1, (starts, fingerprinted)
    assert "not fingerprinted now, the fingerprints' decoder process did not start" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
