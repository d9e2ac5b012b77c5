"""Every URL VTM hands out, built here: the API's job JSON, storyboard cues and scene
keyframes point at the same places the routes of `vtm.web` serve."""

from __future__ import annotations

API = "/api"


def job_output(job_id: int) -> str:
    return f"{API}/jobs/{int(job_id)}/output"


def job_files_prefix(job_id: int) -> str:
    """Where a job's files are served, by name (`storyboard-0.jpg` goes after it)."""
    return f"{API}/jobs/{int(job_id)}/files/"


def job_file(job_id: int, name: str) -> str:
    return job_files_prefix(job_id) + name


def videos() -> str:
    """Where uploads go (`POST`)."""
    return f"{API}/videos"


def video_source(video_id: int) -> str:
    """The video's own file, served with byte ranges for the player."""
    return f"{API}/videos/{int(video_id)}/source"



def video_page(video_id: int) -> str:
    """The dashboard's page of one video (relative to the dashboard's base path)."""
    return f"library?video={int(video_id)}"
