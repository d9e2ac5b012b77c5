"""Settings of watch folders, recipes and webhooks (issue 16).

STAGE 2: these fields move into `vtm.config.Settings` (same names, defaults and help)
and into the README's settings table; this module then goes away. Built the same way:
from an injected environment, each field declared once with its default and help.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from vtm.config import _parse, _setting
from vtm.errors import InvalidInput


@dataclass(frozen=True)
class AutomationSettings:
    watch: str = _setting("VTM_WATCH", "", "Folders to watch, separated by `:`; new videos in them are imported by reference.")
    watch_stable_s: float = _setting("VTM_WATCH_STABLE_S", 3.0, "A file is imported once its size and mtime stayed the same this long.")
    watch_poll: bool = _setting("VTM_WATCH_POLL", False, "When 1, watch folders by polling (network mounts, where change events do not arrive).")
    watch_poll_ms: int = _setting("VTM_WATCH_POLL_MS", 1000, "Polling interval in milliseconds when polling.")
    watch_rescan_s: float = _setting("VTM_WATCH_RESCAN_S", 300.0, "Full rescan of the watched folders this often (a safety net for lost events); 0 turns it off.")
    webhook_retry_s: str = _setting("VTM_WEBHOOK_RETRY_S", "5,30,120,600,3600", "Seconds between a failed webhook delivery and each retry; after the last, it is given up.")
    webhooks_allow_private: bool = _setting("VTM_WEBHOOKS_ALLOW_PRIVATE", False, "When 1, webhook URLs may resolve to loopback, private and link-local addresses.")
    webhook_timeout_s: float = _setting("VTM_WEBHOOK_TIMEOUT_S", 10.0, "Time limit of one webhook request (connect, send, answer), in seconds.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> AutomationSettings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, f.metadata["env"], raw, type(f.default))
        values.update(overrides)
        settings = cls(**values)
        settings.retry_delays  # noqa: B018 - refuse a bad schedule at start, not at the first failure
        return settings

    @property
    def watch_folders(self) -> list[Path]:
        return [Path(part).expanduser() for part in self.watch.split(":") if part.strip()]

    @property
    def retry_delays(self) -> tuple[float, ...]:
        """Seconds to wait before retry 1, 2, … (empty: no retries)."""
        try:
            delays = tuple(float(part) for part in self.webhook_retry_s.split(",") if part.strip())
        except ValueError:
            delays = (-1.0,)
        if any(not 0 <= d <= 7 * 86400 for d in delays):
            raise InvalidInput(f"VTM_WEBHOOK_RETRY_S={self.webhook_retry_s!r}: give seconds separated by commas, "
                               "each between 0 and 604800, such as 5,30,120,600,3600.")
        return delays


def documented_automation_settings() -> list[tuple[str, Any, str]]:
    return [(f.metadata["env"], f.default, f.metadata["help"]) for f in fields(AutomationSettings)]
