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
    workers: int = _setting("VTM_WORKERS", 0, "Worker count; 0 means one per CPU core (with VTM_EXECUTOR=ray: as many jobs at once as the cluster has CPUs, up to 64).")
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
    url_signing_key: str = _setting("VTM_URL_SIGNING_KEY", "", "When set, image URLs (thumbnail, animated, storyboard, poster) need a signature (`vtm sign URL`) unless the API token is sent; 16 characters at least.")
    image_wait_s: float = _setting("VTM_IMAGE_WAIT_S", 20.0, "How long an image URL's first request waits for its picture before answering 202 with Retry-After, in seconds.")
    # Running the jobs on a Ray cluster (README "Scale out").
    executor: str = _setting("VTM_EXECUTOR", "local", "`local` runs jobs in this machine's decoder processes; `ray` runs them on the Ray cluster at RAY_ADDRESS.")
    ray_address: str = _setting("RAY_ADDRESS", "", "With VTM_EXECUTOR=ray: the Ray head's address, host:port (Ray's own variable).")
    ray_node_ip: str = _setting("VTM_RAY_NODE_IP", "", "With VTM_EXECUTOR=ray: this machine's address as a node of the cluster, when Ray cannot tell it (empty: Ray's choice).")
    path_map: str = _setting("VTM_PATH_MAP", "", "On a Ray worker node that mounts the data folder elsewhere: APP_PATH=NODE_PATH pairs, separated by commas.")
    test_hooks: bool = _setting("VTM_TEST_HOOKS", False, "When 1, enables job kinds that crash or hang on purpose (tests only).")
    # Watch folders, recipes, webhooks, near-duplicates (issue 16).
    watch: str = _setting("VTM_WATCH", "", "Folders to watch, separated by `:`; new videos in them are imported by reference.")
    watch_stable_s: float = _setting("VTM_WATCH_STABLE_S", 3.0, "A file is imported once its size and mtime stayed the same this long.")
    watch_poll: bool = _setting("VTM_WATCH_POLL", False, "When 1, watch folders by polling (network mounts, where change events do not arrive).")
    watch_poll_ms: int = _setting("VTM_WATCH_POLL_MS", 1000, "Polling interval in milliseconds when polling.")
    watch_rescan_s: float = _setting("VTM_WATCH_RESCAN_S", 300.0, "Full rescan of the watched folders this often (a safety net for lost events); 0 turns it off.")
    webhook_retry_s: str = _setting("VTM_WEBHOOK_RETRY_S", "5,30,120,600,3600", "Seconds between a failed webhook delivery and each retry; after the last, it is given up.")
    webhooks_allow_private: bool = _setting("VTM_WEBHOOKS_ALLOW_PRIVATE", False, "When 1, webhook URLs may resolve to loopback, private and link-local addresses.")
    webhook_timeout_s: float = _setting("VTM_WEBHOOK_TIMEOUT_S", 10.0, "Time limit of one webhook request (connect, send, answer), in seconds.")
    duplicates: bool = _setting("VTM_DUPLICATES", True, "When 0, videos are not fingerprinted and no near-duplicates are found.")

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
        settings = cls(**values)
        settings.executor_kind  # noqa: B018 - refuse an unknown executor at start
        settings.retry_delays  # noqa: B018 - refuse a bad schedule at start, not at the first failure
        if settings.url_signing_key:
            from vtm.signing import check_key

            check_key(settings.url_signing_key)  # a short key is refused at start
        return settings

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @property
    def executor_kind(self) -> str:
        """`local` or `ray` (VTM_EXECUTOR), checked."""
        kind = self.executor.strip().lower()
        if kind not in ("local", "ray"):
            raise InvalidInput(f"VTM_EXECUTOR={self.executor!r}: use `local` (this machine) or `ray` (a Ray cluster).")
        if kind == "ray" and not self.ray_address.strip():
            raise InvalidInput("VTM_EXECUTOR=ray needs the cluster's address in RAY_ADDRESS (host:port of the head, "
                               "e.g. 10.0.0.5:6379).")
        return kind

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def watch_folders(self) -> list[Path]:
        return [Path(part).expanduser() for part in self.watch.split(":") if part.strip()]

    @property
    def retry_delays(self) -> tuple[float, ...]:
        """Seconds to wait before webhook retry 1, 2, … (empty: no retries)."""
        try:
            delays = tuple(float(part) for part in self.webhook_retry_s.split(",") if part.strip())
        except ValueError:
            delays = (-1.0,)
        if any(not 0 <= d <= 7 * 86400 for d in delays):
            raise InvalidInput(f"VTM_WEBHOOK_RETRY_S={self.webhook_retry_s!r}: give seconds separated by commas, "
                               "each between 0 and 604800, such as 5,30,120,600,3600.")
        return delays


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
        return kind(raw)  # type: ignore[call-arg]  # int, float or str of the field's default
    except ValueError:
        raise InvalidInput(f"{env}={raw!r} is not a valid {kind.__name__} for {name}.") from None


def documented_settings() -> list[tuple[str, Any, str]]:
    """(environment variable, default, help) for every setting, in declaration order."""
    return [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(Settings)]
