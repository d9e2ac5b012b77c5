"""Settings: one frozen object built from an environment mapping.

Every setting is declared once, with its default and a line of help; the README's
settings table is checked against this list by a test.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from vtm.errors import InvalidInput


def _setting(env: str, default: Any, help: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting("VTM_DATA_DIR", Path("data"), "Folder for the database, videos and outputs.")
    workers: int = _setting("VTM_WORKERS", 0, "Worker count; 0 means one per CPU core.")
    max_upload_mb: int = _setting("VTM_MAX_UPLOAD_MB", 4096, "Largest accepted upload, in MB (checked while streaming).")
    api_token: str = _setting("VTM_API_TOKEN", "", "When set, API writes need `Authorization: Bearer <token>`.")
    api_token_reads: bool = _setting("VTM_API_TOKEN_READS", False, "When 1, API reads need the token too.")
    job_timeout_s: float = _setting("VTM_JOB_TIMEOUT_S", 0.0, "Time limit per job in seconds; 0 scales it with the video's duration.")
    job_memory_mb: int = _setting("VTM_JOB_MEMORY_MB", 2048, "Memory cap of a decoding child process, in MB.")
    isolation: str = _setting("VTM_ISOLATION", "process", "`process` decodes in child processes; `thread` decodes in the server process.")
    max_attempts: int = _setting("VTM_MAX_ATTEMPTS", 3, "Times a job is started before a crash marks it FAILED.")
    max_width: int = _setting("VTM_MAX_WIDTH", 8192, "Widest video accepted, in pixels.")
    max_height: int = _setting("VTM_MAX_HEIGHT", 8192, "Tallest video accepted, in pixels.")
    max_duration_s: float = _setting("VTM_MAX_DURATION_S", 6 * 3600.0, "Longest video accepted, in seconds.")
    max_frames: int = _setting("VTM_MAX_FRAMES", 2_000_000, "Most frames a video may declare.")
    min_free_mb: int = _setting("VTM_MIN_FREE_MB", 1024, "The dashboard warns when the data folder's disk has less free space, in MB.")
    test_hooks: bool = _setting("VTM_TEST_HOOKS", False, "When 1, enables job kinds that crash or hang on purpose (tests only).")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, f.metadata["env"], raw, type(f.default))
        values.update(overrides)
        return cls(**values)

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def _parse(name: str, env: str, raw: str, kind: type) -> Any:
    try:
        if kind is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if issubclass(kind, Path):
            return Path(raw)
        return kind(raw)
    except ValueError:
        raise InvalidInput(f"{env}={raw!r} is not a valid {kind.__name__} for {name}.") from None


def documented_settings() -> list[tuple[str, Any, str]]:
    """(environment variable, default, help) for every setting, in declaration order."""
    return [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Settings)]
