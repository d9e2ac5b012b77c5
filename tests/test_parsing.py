"""Every parser bounds its input (vtm/parsing.py): huge numbers, deep nesting, long strings,
NaN/Infinity, negative zero and floats for whole numbers are 4xx with a short message,
through every place a request carries them. The property-based run over the whole API is
in test_openapi.py."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.api_server import in_process
from vtm import parsing, tickets, web
from vtm.assembly import Assembly
from vtm.errors import BadRequest, InvalidInput

HUGE = "9" * 5000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("value", [HUGE, "9" * 19, "1_000", "١٢", " 1 2", "0x10", "1e3", "4.0", 4.0, True, "", "+", None,
                                   [], {}])
def test_whole_refuses_what_is_not_a_short_whole_number(value: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        parsing.whole("n", value, 0, 10**18)
    assert len(refused.value.message) < 160


@pytest.mark.parametrize("value", [HUGE, "9" * 400, "1e999", "-1e999", "nan", "NaN", "inf", "Infinity", math.nan, math.inf,
                                   "1" * 40, "1,5", "٣", True, 10**30, "", None])
def test_decimal_refuses_what_is_not_a_short_finite_number(value: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        parsing.decimal("x", value, -(10**9), 10**9)
    assert len(refused.value.message) < 160


def test_python_ints_of_any_size_are_refused_with_a_short_message() -> None:
    for value in (10**5000, -(10**5000), 10**19):
        for parse in (lambda v: parsing.whole("n", v, 0, 10), lambda v: parsing.decimal("x", v, 0, 10)):
            with pytest.raises(InvalidInput) as refused:
                parse(value)
            assert len(refused.value.message) < 160 and "digits" in refused.value.message


def test_negative_zero_is_zero() -> None:
    for value in (-0.0, "-0", "-0.0", 0):
        number = parsing.decimal("x", value, 0, 10)
        assert number == 0 and math.copysign(1, number) == 1


@pytest.mark.parametrize(("raw", "error"), [
    (b"[" * 30_000, BadRequest), (b"{\"a\":" * 20_000, BadRequest), (b'{"a": ' + HUGE.encode() + b"}", InvalidInput),
    (b'{"a": -' + HUGE.encode() + b"}", InvalidInput), (b'{"a": NaN}', InvalidInput), (b'{"a": -Infinity}', InvalidInput),
    (b'{"a": 1e999}', InvalidInput), (b'{"a": 0.' + b"1" * 5000 + b"}", InvalidInput), (b"\xff\xfe", BadRequest),
])
def test_json_bodies_are_bounded_in_depth_and_magnitude(raw: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parsing.json_body(raw)


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert parsing.json_body(b'{"kind": "[[[[[[[[[[[[{{{{{{{{", "a": [[1]]}') == {"kind": "[[[[[[[[[[[[{{{{{{{{", "a": [[1]]}


def test_a_ticket_of_5000_digits_is_not_valid() -> None:
    assert not tickets.valid("token", f"{HUGE}.abc")
    assert not tickets.valid("token", f"{'٣' * 10}.abc")
    assert tickets.valid("token", tickets.mint("token"))


# -- through the API: every place a request carries a number or a string --------------------
def _bad(video: int, job: int) -> list[tuple[str, str, dict[str, Any]]]:
    long = "x" * 20_000
    hostile = [HUGE, "-" + HUGE, "1e308", "-0.5", '"' + long + '"', "[1]", '{"a": 1}', "NaN", "-Infinity", "[" * 5000]
    fields = {"thumbnail": ["width", "height", "quality"], "sheet": ["columns", "rows", "width", "quality"],
              "storyboard": ["count", "width", "columns", "rows", "quality", "every"],
              "preview": ["width", "moments", "fps", "quality", "seconds"], "scenes": ["width", "threshold", "min_scene"]}
    floats = {"every", "seconds", "threshold", "min_scene"}
    posts = [f'{{"kind": "{kind}", "{name}": {value}}}'.encode() for kind, names in fields.items() for name in names
             for value in (hostile if name in floats else [*hostile, "2.5", "true", '"4"'])]
    return [
        ("POST", f"/api/thumbnails/{video}/64/0?at={'9' * 400}", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?at={'9' * 400}%25", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?at={long}", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?quality={HUGE}", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?quality=85.0", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?pad={long}", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?fit={long}", {}),
        ("POST", f"/api/thumbnails/{video}/64/0?fast={long}", {}),
        ("POST", f"/api/thumbnails/{video}/{HUGE}/0", {}),
        ("POST", f"/api/thumbnails/{video}/64/-0.0", {}),
        ("POST", f"/api/thumbnails/{video}/NaN/0", {}),
        ("GET", f"/api/t/{video}?w=64&h=0&at={'9' * 400}", {}),
        ("GET", f"/api/t/{video}?w={HUGE}&h=0", {}),
        ("GET", f"/api/t/{video}?w=64&h=0&{long}=1", {}),
        ("GET", f"/api/videos?q={long}", {}),
        ("GET", f"/api/videos?sort={long}", {}),
        ("GET", f"/api/jobs?limit={HUGE}", {}),
        ("GET", f"/api/jobs?offset=-{HUGE}", {}),
        ("GET", "/api/jobs?video_id=1e3", {}),
        ("GET", f"/api/jobs?status={long}", {}),
        ("GET", f"/api/jobs?kind={long}", {}),
        ("GET", "/api/videos/999999999999999999999", {}),
        ("GET", f"/api/videos/{HUGE}", {}),
        ("DELETE", f"/api/videos/{HUGE}", {}),
        ("GET", f"/api/jobs/{HUGE}", {}),
        ("GET", f"/api/jobs/{HUGE}/output", {}),
        ("POST", f"/api/jobs/{HUGE}/retry", {}),
        ("GET", f"/api/jobs/{job}/files/{long}", {}),
        ("GET", f"/api/events?since=abc.{HUGE}", {}),
        ("GET", f"/api/events?since={HUGE}", {}),
        ("GET", "/api/events", {"headers": {"Last-Event-ID": f"abc.{HUGE}"}}),
        ("POST", f"/api/videos/{video}/outputs", {"content": b"[" * 30_000}),
        ("POST", f"/api/videos/{video}/outputs", {"content": b'{"kind": "sheet", "columns": ' + HUGE.encode() + b"}"}),
        ("POST", f"/api/videos/{video}/outputs", {"content": b'{"kind": "storyboard", "every": NaN}'}),
        ("POST", f"/api/videos/{video}/outputs", {"content": b'{"kind": "storyboard", "every": Infinity}'}),
        ("POST", f"/api/videos/{video}/outputs", {"content": b'{"kind": "scenes", "min_scene": 1e999}'}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": "sheet", "grid": f"{HUGE}x4"}}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": "sheet", "grid": long}}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": long}}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": "sheet", long: 1}}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": "thumbnail", "width": 64, "height": 0, "at": "9" * 400}}),
        ("POST", f"/api/videos/{video}/outputs", {"json": {"kind": "thumbnail", "width": 64, "height": 0, "at": 1e300}}),
        *[("POST", f"/api/videos/{video}/outputs", {"content": body}) for body in posts],
    ]


@pytest.mark.anyio
async def test_hostile_numbers_and_strings_are_4xx_with_a_short_message(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = (await c.post("/api/videos", files={"video": ("n.mp4", videos["landscape"].read_bytes())})).json()
        job = (await c.post(f"/api/thumbnails/{video['id']}/64/0")).json()
        cases = _bad(video["id"], job["id"])
        for method, path, kwargs in cases:
            response = await c.request(method, path, **kwargs)
            assert 400 <= response.status_code < 500, (method, path[:100], kwargs.get("json"), response.status_code)
            error = response.json()["error"]
            assert error["code"] and 0 < len(error["message"]) < 300, (path[:100], error["message"][:300])
        assert len(cases) > 250
        assert [j.id for j in rt.store.list_jobs()] == [job["id"]]  # nothing was queued by any of them


@pytest.mark.anyio
async def test_negative_zero_and_spellings_of_one_request_are_one_job(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path) as (rt, c):
        video = (await c.post("/api/videos", files={"video": ("z.mp4", videos["landscape"].read_bytes())})).json()
        url = f"/api/videos/{video['id']}/outputs"
        ids = {(await c.post(url, content=body)).json()["id"] for body in (
            b'{"kind": "scenes", "min_scene": 0}', b'{"kind": "scenes", "min_scene": -0.0}',
            b'{"kind": "scenes", "min_scene": -0}',
            b'{"kind": "scenes", "options": {"min_scene": 0.0}}')}
        assert len(ids) == 1
        thumbs = {(await c.post(f"/api/thumbnails/{video['id']}/64/0?at={at}")).json()["id"] for at in ("0", "0.0", "00", "")}
        assert len(thumbs) == 1
        for at in ("-0", "-0.0", "-1"):  # a time is never negative
            assert (await c.post(f"/api/thumbnails/{video['id']}/64/0?at={at}")).status_code == 422


@pytest.mark.anyio
async def test_an_upload_ticket_of_5000_digits_is_401_not_500(tmp_path: Path, videos: dict[str, Path]) -> None:
    async with in_process(tmp_path, api_token="t0ken") as (rt, c):
        for ticket in (f"{HUGE}.abc", HUGE, "٣٣٣.abc".encode(), f"{'9' * 12}.{'a' * 5000}"):
            response = await c.post("/api/videos", headers={tickets.HEADER: ticket},
                                    files={"video": ("t.mp4", videos["landscape"].read_bytes())})
            assert response.status_code == 401, response.text
        assert rt.store.list_videos() == []


def test_a_content_length_of_5000_digits_is_413(rt: Assembly) -> None:
    """No client library sends such a header: a raw request to the API's ASGI app."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/videos", "raw_path": b"/api/videos", "query_string": b"",
             "headers": [(b"content-length", HUGE.encode()), (b"content-type", b"multipart/form-data; boundary=x")],
             "http_version": "1.1", "scheme": "http", "server": ("vtm", 80), "client": ("127.0.0.1", 1), "root_path": ""}
    asyncio.run(Starlette(routes=web.routes())(scope, receive, send))
    assert sent[0]["status"] == 413
