"""The benchmark: VTM beside the tools people use instead (`python -m bench`).

Inputs are generated with an ffmpeg binary and cached in bench/cache/; every
side-by-side measure is interleaved and repeated; the results go to bench/RESULTS.md
and bench/results.png.
"""
