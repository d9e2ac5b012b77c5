"""VTM — Video Thumbnails Maker: thumbnails, contact sheets and storyboards from videos."""

__version__ = "0.1.0"
