"""The OpenAPI document: it describes every route, the README lists every path, and a
property-based run (schemathesis) over it against the real server finds no 5xx."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.api_server import LiveServer
from vtm import web
from vtm.web.openapi import document

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "post", "put", "patch", "delete")


def route_pairs() -> set[tuple[str, str]]:
    return {(method.lower(), route.path) for route in web.routes() for method in (route.methods or ()) if method != "HEAD"}


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
HOSTILE: list[str] = []


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, videos: dict[str, Path]) -> Iterator[LiveServer]:
    """A server with a video (id 1) and a finished thumbnail, so generated ids can hit."""
    server = LiveServer(tmp_path_factory.mktemp("openapi") / "data").start()
    with server.client() as c:
        video = c.post("/api/videos", files={"video": ("fuzz.mp4", videos["landscape"].read_bytes())}).json()
        c.post(f"/api/thumbnails/{video['id']}/64/0")
    yield server
    server.stop()
    print(f"schemathesis: {len(CASES)} generated requests, statuses {sorted(set(CASES))}; "
          f"hostile values: {len(HOSTILE)} requests, statuses {sorted(set(HOSTILE))}")
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


# -- the same operations with hostile values: huge numbers, deep nesting, long strings ---------
DIGITS = st.text("0123456789", min_size=19, max_size=6000)
HUGE = st.builds(lambda sign, digits, tail: sign + digits + tail, st.sampled_from(["", "-", "+", "0."]), DIGITS,
                 st.sampled_from(["", ".5", "e999", "%", "x4", ".7.8"]))
SPECIAL = st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "inf", "-0", "-0.0", "1e999", "-1e999", "0x10", "1_000",
                           "١٢٣", "4.0", "85.5", "", " ", "%", "true", "null", "[]", "{}", "W/\"x\"", "*", "..", "9" * 400])
LONG = st.text(min_size=257, max_size=20_000)
HOSTILE_TEXT = st.one_of(HUGE, SPECIAL, LONG)
HEADER_TEXT = st.one_of(HUGE, SPECIAL.filter(lambda t: t.isascii() and t.strip() == t and t != ""),
                        st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=257, max_size=8000))
OPTION_NAMES = ["kind", "options", "width", "height", "at", "fit", "format", "quality", "pad", "fast", "columns", "rows",
                "grid", "every", "count", "moments", "seconds", "fps", "threshold", "min_scene"]
KINDS = st.sampled_from(["thumbnail", "sheet", "storyboard", "preview", "scenes"])
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**100), 10**100), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=300)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(OPTION_NAMES), children, max_size=4)),
    max_leaves=12,
)


def _raw_value() -> st.SearchStrategy[str]:
    """A JSON value as text, hostile ones included (json.dumps cannot write NaN-free huge numbers)."""
    return st.one_of(HUGE.filter(lambda t: not t.endswith(("%", "x4", ".7.8")) and not t.startswith(("+", "0."))),
                     st.sampled_from(["NaN", "Infinity", "-Infinity", "-0", "-0.0", "1e999", "4.0", "2.5", "true", "null"]),
                     LONG.map(json.dumps), JSON_VALUE.map(json.dumps))


BODIES = st.one_of(
    st.builds(lambda n, o, close: (o * n + (("]" if o == "[" else "}") * n if close else "")).encode(),
              st.integers(9, 30_000), st.sampled_from(["[", '{"a":']), st.booleans()),
    st.builds(lambda kind, name, value: f'{{"kind": "{kind}", "{name}": {value}}}'.encode(), KINDS,
              st.sampled_from(OPTION_NAMES), _raw_value()),
    st.builds(lambda kind, name, value: f'{{"kind": "{kind}", "options": {{"{name}": {value}}}}}'.encode(), KINDS,
              st.sampled_from(OPTION_NAMES), _raw_value()),
    _raw_value().map(str.encode),
    JSON_VALUE.map(lambda v: json.dumps(v).encode()),
)
HEADERS = ("Last-Event-ID", "X-VTM-Upload-Ticket", "If-None-Match", "If-Modified-Since", "Content-Type")


@pytest.mark.parametrize(("path", "method"), [*OPERATIONS, ("/api/events", "get")])
def test_hostile_values_in_every_parameter_get_no_5xx(live: LiveServer, path: str, method: str) -> None:
    operation = document()["paths"][path][method]
    names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
    json_body = "application/json" in operation.get("requestBody", {}).get("content", {})

    @given(data=st.data())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(data: st.DataObject) -> None:
        values = {"video_id": "1", "job_id": "1", "webhook_id": "1", "width": "64", "height": "0", "name": "thumbnail.jpg", "fmt": "webp"}
        query: dict[str, str] = {}
        headers: dict[str, str] = {}
        for where, name in sorted(names):
            if not data.draw(st.booleans(), label=f"hostile {name}"):
                continue
            if where == "path":
                values[name] = data.draw(HOSTILE_TEXT.filter(lambda t: t.strip("./") != "" and "\x00" not in t), label=name)
            elif where == "query":
                query[name] = data.draw(HOSTILE_TEXT, label=name)
        for header in HEADERS:
            if data.draw(st.integers(0, 4), label=f"header {header}") == 0:
                headers[header] = data.draw(HEADER_TEXT, label=header)
        if data.draw(st.integers(0, 3), label="unknown option") == 0:
            query[data.draw(st.text(st.characters(codec="ascii", exclude_characters="&=#"), min_size=1, max_size=5000),
                            label="option name")] = "1"
        body = data.draw(BODIES, label="body") if json_body else None
        url = live.url + re.sub(r"{(\w+)}", lambda m: quote(values[m.group(1)], safe=""), path)
        with httpx.Client(timeout=30) as client, client.stream(method.upper(), url, params=query, headers=headers,
                                                                content=body) as response:
            HOSTILE.append(str(response.status_code))
            assert response.status_code < 500, (method, url[:200], query and list(query)[:3], body and body[:200])
            if response.status_code >= 400 and path != "/api/events":
                assert "application/json" in response.headers.get("content-type", ""), (url[:200], response.status_code)

    run()
