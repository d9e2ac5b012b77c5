"""Building VTM (vtm.assembly), as a specification: one call builds every part from the
settings, in burst mode nothing runs until the queue is drained, with workers jobs run
by themselves, `install()` makes the Service the running one, closing stops in an order
that loses nothing and frees the data folder for the next process."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from vtm import assembly
from vtm.config import Settings
from vtm.errors import DataFolderError, StoreLocked
from vtm.executors.inline import InlineExecutor
from vtm.executors.process import ProcessExecutor
from vtm.models import JobKind, JobStatus
from vtm.service import current


def test_one_call_builds_every_part_from_the_settings(settings: Settings) -> None:
    with assembly.build(settings, start_workers=False) as vtm:
        assert vtm.data.root == settings.data_dir.resolve()
        assert vtm.data.database.is_file() and (vtm.data.root / "vtm.lock").is_file()
        assert vtm.service.settings is settings and vtm.settings is settings
        assert isinstance(vtm.jobs_executor, InlineExecutor) and isinstance(vtm.ingest_executor, InlineExecutor)
        assert vtm.started_threads == 0


def test_burst_mode_runs_nothing_until_drained(settings: Settings, videos: dict[str, Path]) -> None:
    with assembly.build(settings, start_workers=False) as vtm:
        video = vtm.service.add_local_file(videos["landscape"])
        job = vtm.service.request_thumbnail(video.id, 64, 0)
        time.sleep(0.3)
        assert vtm.service.get_job(job.id).status is JobStatus.QUEUED
        assert [j.id for j in vtm.workers.drain()] == [job.id]
        assert vtm.service.get_job(job.id).status is JobStatus.COMPLETED


def test_with_workers_a_job_runs_by_itself(settings: Settings, videos: dict[str, Path]) -> None:
    with assembly.build(settings) as vtm:
        assert vtm.started_threads == settings.worker_count
        video = vtm.service.add_local_file(videos["landscape"])
        job = vtm.service.request_thumbnail(video.id, 64, 0)
        deadline = time.monotonic() + 30
        while vtm.service.get_job(job.id).status is not JobStatus.COMPLETED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert vtm.service.get_job(job.id).status is JobStatus.COMPLETED


def test_install_makes_it_the_running_service_and_close_takes_it_back(settings: Settings) -> None:
    vtm = assembly.build(settings, start_workers=False).install()
    assert current() is vtm.service
    vtm.close()
    with pytest.raises(RuntimeError, match="not started"):
        current()
    vtm.close()  # twice is harmless


def test_one_process_per_data_folder_and_closing_frees_it(settings: Settings) -> None:
    first = assembly.build(settings, start_workers=False)
    try:
        with pytest.raises(StoreLocked, match="in use by process"):
            assembly.build(settings, start_workers=False)
    finally:
        first.close()
    assembly.build(settings, start_workers=False).close()  # free again


def test_a_data_folder_that_cannot_be_used_is_one_typed_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(DataFolderError, match="is a file, not a folder"):
        assembly.build(Settings(data_dir=tmp_path / "file", isolation="thread"), start_workers=False)


@pytest.mark.slow
def test_closing_mid_job_puts_it_back_in_the_queue(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=1, isolation="process", test_hooks=True)
    vtm = assembly.build(settings)
    try:
        assert isinstance(vtm.jobs_executor, ProcessExecutor) and len(vtm.jobs_executor.pids) == 1
        video_id = vtm.store.next_video_id()
        vtm.store.add_video(id=video_id, filename="v.mp4", path="v.mp4", size=1, sha256="x", width=2, height=2)
        job, _ = vtm.service.request_output(video_id, JobKind.HANG, {"seconds": 60})
        deadline = time.monotonic() + 60
        while vtm.service.get_job(job.id).status is not JobStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        vtm.close()
    with assembly.build(dataclasses.replace(settings, isolation="thread"), start_workers=False) as again:
        back = again.service.get_job(job.id)
        assert back.status is JobStatus.QUEUED and back.attempts == 0  # not counted: it was not the job's fault
