"""Pure functions over files: probe a video, pick and read frames, render and encode.

Imports nothing of VTM but `vtm.models` and `vtm.errors`. PyAV (FFmpeg) decodes;
OpenCV and NumPy do the image work.
"""
