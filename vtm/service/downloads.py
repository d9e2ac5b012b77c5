"""Use cases of downloading what a job made, in one naming style for the dashboard and
the API (the CLI's): `<video>.<file>` — `holiday.sheet.jpg`, `holiday.thumbnail.320x180.jpg`,
`holiday.storyboard.zip` — and, for an output whose files name each other (a storyboard's
WebVTT and its sprites), one zip whose WebVTT refers to its sprites by relative name, as
the CLI writes them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from vtm import kinds, urls
from vtm.errors import BadRequest
from vtm.files import safe_filename
from vtm.models import Job, JobKind
from vtm.service.outputs import Outputs

ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same output gives the same zip


class Downloads(Outputs):
    def download_stem(self, job: Job) -> str:
        """The video's name without its extension, safe as a file name on any system."""
        given = job.video_filename or f"video-{job.video_id}"
        stem = given.rsplit(".", 1)[0] if "." in given.strip(".") else given
        try:
            return safe_filename(stem)
        except BadRequest:  # a name with nothing usable left
            return f"video-{job.video_id}"

    def download_name(self, job: Job, path: Path) -> str:
        """`<video>.<file>`: the name a downloaded file of `job` gets."""
        stem = self.download_stem(job)
        if kinds.get(job.kind).single_file:
            fmt = path.suffix.lstrip(".")
            return f"{stem}.{job.kind.value}.{job.width}x{job.height}.{fmt}"
        return f"{stem}.{path.name}"

    def zip_name(self, job: Job) -> str:
        return f"{self.download_stem(job)}.{job.kind.value}.zip"

    def output_zip(self, job: Job) -> bytes:
        """Every file of a COMPLETED job in one zip, under a folder `<video>.<kind>/`; a
        storyboard's WebVTT names its sprites relatively (`storyboard-0.jpg#xywh=…`), so
        the folder plays as it is."""
        folder = self.zip_name(job).removesuffix(".zip")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in self.output_files(job):
                data = path.read_bytes()
                if job.kind is JobKind.STORYBOARD and path.suffix == ".vtt":
                    data = data.replace(urls.job_files_prefix(job.id).encode(), b"")
                info = zipfile.ZipInfo(f"{folder}/{path.name}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_STORED if path.suffix in (".jpg", ".webp", ".gif", ".png") else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()
