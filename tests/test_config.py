from __future__ import annotations

import re
from pathlib import Path

import pytest

from vtm.config import Settings, documented_settings
from vtm.errors import InvalidInput

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_in_the_readme() -> None:
    text = README.read_text()
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    for env, _default, _help in documented_settings():
        assert re.search(rf"^\| `{env}` \|", section, re.M), f"{env} is missing from the README's settings table"


@pytest.mark.parametrize(
    ("environ", "field", "expected"),
    [
        ({}, "workers", 0),
        ({"VTM_WORKERS": "4"}, "workers", 4),
        ({"VTM_DATA_DIR": "/srv/vtm"}, "data_dir", Path("/srv/vtm")),
        ({"VTM_API_TOKEN_READS": "1"}, "api_token_reads", True),
        ({"VTM_API_TOKEN_READS": "off"}, "api_token_reads", False),
        ({"VTM_MAX_UPLOAD_MB": "10"}, "max_upload_mb", 10),
        ({"VTM_JOB_TIMEOUT_S": "2.5"}, "job_timeout_s", 2.5),
        ({"VTM_WORKERS": ""}, "workers", 0),
    ],
)
def test_settings_come_from_the_given_environ(environ: dict[str, str], field: str, expected: object) -> None:
    assert getattr(Settings.from_env(environ), field) == expected


@pytest.mark.parametrize(("env", "value"), [("VTM_WORKERS", "many"), ("VTM_API_TOKEN_READS", "maybe"), ("VTM_MAX_UPLOAD_MB", "1.5")])
def test_bad_values_name_the_variable(env: str, value: str) -> None:
    with pytest.raises(InvalidInput, match=env):
        Settings.from_env({env: value})


def test_worker_count_defaults_to_cores() -> None:
    import os

    assert Settings.from_env({}).worker_count == (os.cpu_count() or 1)
    assert Settings(workers=3).worker_count == 3
