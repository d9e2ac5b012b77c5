#!/usr/bin/env bash
# Regenerates the example outputs in this folder from VTM's sample clips, with the CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
OUT=docs/examples
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
$PY -c "import sys; from pathlib import Path; from vtm.media.samples import make_samples; make_samples(Path(sys.argv[1]))" "$SRC"
$PY -m vtm thumbnail "$SRC/sample-black-intro.mp4" "$SRC/sample-portrait-phone.mp4" --size 320x0 --at auto -o "$OUT" -q
$PY -m vtm sheet "$SRC/sample-test-pattern.mp4" --grid 4x3 --width 200 -o "$OUT" -q
$PY -m vtm storyboard "$SRC/sample-test-pattern.mp4" --every 1 --width 120 -o "$OUT" -q
$PY -m vtm preview "$SRC/sample-portrait-phone.mp4" --width 144 --moments 3 --seconds 1 --fps 8 -o "$OUT" -q
$PY -m vtm scenes "$SRC/sample-black-intro.mp4" --width 240 -o "$OUT" -q
