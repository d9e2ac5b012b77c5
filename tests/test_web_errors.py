"""Errors over HTTP (vtm.web.errors, vtm.web.endpoint), as a specification: each typed
error answers its status by class (a subclass as its nearest listed base) with the one
JSON shape `{"error": {"code", "message"}}`; an unknown query option is refused; "no
space left" from anywhere is 507; a bug is a logged 500 with no traceback in the body;
every other /api request answers JSON 404 or 405."""

from __future__ import annotations

import errno
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.api_server import error_code, in_process
from vtm import errors
from vtm.kinds.limits import OutputTooLarge
from vtm.service import Service
from vtm.web.endpoint import endpoint
from vtm.web.errors import STATUS, error_response, status_of
from vtm.web.fallback import fallback_routes


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.BadRequest, 400), (errors.Unauthorized, 401), (errors.Forbidden, 403), (errors.NotFound, 404),
        (errors.Conflict, 409), (errors.StoreLocked, 409), (errors.TooLarge, 413), (errors.Unsupported, 415),
        (errors.InvalidInput, 422), (OutputTooLarge, 422), (errors.DataFolderError, 503), (errors.DiskFull, 507),
    ],
)
def test_each_error_answers_its_status_by_class(error: type[errors.VtmError], status: int) -> None:
    response = error_response(error("What happened; what to do."))
    assert (status_of(error("x")), response.status_code) == (status, status)
    body = response.body.decode()
    assert body.startswith('{"error":{"code":"') and '"message":"What happened; what to do."' in body
    assert (response.headers.get("www-authenticate") == "Bearer") is (error is errors.Unauthorized)


def test_every_error_class_has_a_status() -> None:
    def subclasses(cls: type) -> set[type]:
        return {cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))}

    for cls in subclasses(errors.VtmError):
        assert any(base in STATUS for base in cls.__mro__), cls


async def raises(request: Request, service: Service) -> Response:
    kind = request.query_params.get("kind")
    if kind == "typed":
        raise errors.Conflict("Already there.", code="taken")
    if kind == "full":
        raise OSError(errno.ENOSPC, "No space left on device")
    if kind == "bug":
        raise ZeroDivisionError("a bug")
    return JSONResponse({"ok": True})


ROUTES = [Route("/api/probe", endpoint(query=("kind",))(raises), methods=["GET"])]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process(tmp_path):
        app = Starlette(routes=[*ROUTES, *fallback_routes(ROUTES)])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://vtm") as c:
            yield c


@pytest.mark.anyio
async def test_a_route_answers_json_for_every_failure(client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    assert (await client.get("/api/probe")).json() == {"ok": True}
    typed = await client.get("/api/probe?kind=typed")
    assert (typed.status_code, error_code(typed)) == (409, "taken")
    full = await client.get("/api/probe?kind=full")
    assert (full.status_code, error_code(full)) == (507, "disk_full") and "is full" in full.json()["error"]["message"]
    unknown = await client.get("/api/probe?colour=red")
    assert (unknown.status_code, error_code(unknown)) == (422, "unknown_option")
    assert "colour" in unknown.json()["error"]["message"]
    bug = await client.get("/api/probe?kind=bug")
    assert (bug.status_code, error_code(bug)) == (500, "internal") and "ZeroDivision" not in bug.text
    logged = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
    assert logged and "GET /api/probe failed" in logged[0].getMessage()  # the traceback is in the log, for us
    caplog.clear()  # the one ERROR this test asks for


@pytest.mark.anyio
async def test_any_other_api_request_answers_json_404_or_405(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/nothing/here")
    assert (missing.status_code, error_code(missing)) == (404, "not_found")
    wrong = await client.delete("/api/probe")
    assert (wrong.status_code, error_code(wrong), wrong.headers["allow"]) == (405, "method_not_allowed", "GET, HEAD")
