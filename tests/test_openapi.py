"""The OpenAPI document: it describes every route, the README lists every path, and a
property-based run (schemathesis) over it against the real server finds no 5xx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api_server import LiveServer
from vtm import api
from vtm.openapi import document

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "post", "put", "patch", "delete")


def route_pairs() -> set[tuple[str, str]]:
    return {(method.lower(), route.path) for route in api.routes for method in (route.methods or ()) if method != "HEAD"}


def test_every_route_is_in_the_document_and_nothing_else() -> None:
    described = {(method, path) for path, item in document()["paths"].items() for method in item if method in METHODS}
    assert route_pairs() == described


def test_every_operation_says_what_it_does_and_its_errors_use_the_error_schema() -> None:
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def readme_api_section() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"^## The HTTP API\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert match, "README has no '## The HTTP API' section"
    return match.group(1)


def test_the_readme_lists_every_path() -> None:
    section = readme_api_section()
    missing = [path for path in document()["paths"] if path not in section]
    assert missing == [], f"README's API section does not mention {missing}"


# -- property-based run against the real server ---------------------------------------
CASES: list[str] = []


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Iterator[LiveServer]:
    """A server with a video (id 1) and a finished thumbnail, so generated ids can hit."""
    server = LiveServer(tmp_path_factory.mktemp("openapi") / "data").start()
    with server.client() as c:
        video = c.post("/api/videos", files={"video": ("fuzz.mp4", videos["landscape"].read_bytes())}).json()
        c.post(f"/api/thumbnails/{video['id']}/64/0")
    yield server
    server.stop()
    print(f"schemathesis: {len(CASES)} generated requests, statuses {sorted(set(CASES))}")
    assert server.errors() == []


@pytest.fixture(scope="module")
def api_schema(live: LiveServer) -> Any:
    return schemathesis.openapi.from_url(f"{live.url}/api/openapi.json")


# The event stream never ends by design; it has its own tests.
OPERATIONS = [(path, method) for path, item in document()["paths"].items() for method in item
              if method in METHODS and path != "/api/events"]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_generated_request_gets_a_5xx(api_schema: Any, path: str, method: str) -> None:
    # schemathesis's pytest plugin fails under pytest 9.2 (no Function._nodeid); its strategies work.
    operation = api_schema[path][method.upper()]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        response = case.call(timeout=30)
        CASES.append(str(response.status_code))
        case.validate_response(response, checks=[not_a_server_error])
        assert response.status_code < 500, response.text

    run()
