"""The HTTP boundary every service shares: body limit, domain errors, outages."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import exc as sa_exc

from shared.errors import InvalidField, InvalidTransition, NotFound
from shared.http import BodyLimit, install_error_handlers

LIMIT = 4096


def app() -> FastAPI:
    api = FastAPI()
    install_error_handlers(api)
    api.add_middleware(BodyLimit, max_bytes=LIMIT)

    @api.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    @api.get("/fail/{kind}")
    async def fail(kind: str) -> None:
        errors: dict[str, Exception] = {
            "db": sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError()),
            "bug": RuntimeError("a bug"),
            "missing": NotFound("task 1 not found"),
            "state": InvalidTransition("the task is completed"),
            "field": InvalidField("needs a reason", "reason"),
        }
        raise errors[kind]

    return api


def test_a_body_over_the_limit_is_refused_with_413_whether_declared_or_streamed() -> None:
    client = TestClient(app())
    assert client.post("/echo", content=b"x" * LIMIT).json() == {"read": LIMIT}
    declared = client.post("/echo", content=b"x" * (LIMIT + 1))
    assert declared.status_code == 413
    assert declared.json()["detail"][0]["field"] == "body"
    assert "over the limit of 4096 bytes" in declared.json()["detail"][0]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"y" * 1000

    streamed = client.post("/echo", content=chunks())
    assert streamed.status_code == 413


def test_an_unreachable_database_is_503_with_retry_after_and_a_bug_is_500() -> None:
    client = TestClient(app(), raise_server_exceptions=False)
    outage = client.get("/fail/db")
    assert outage.status_code == 503 and outage.headers["Retry-After"] == "5"
    bug = client.get("/fail/bug")
    assert bug.status_code == 500 and bug.json() == {"detail": "internal error"}


def test_domain_errors_map_to_their_status_once() -> None:
    client = TestClient(app())
    assert client.get("/fail/missing").status_code == 404
    assert client.get("/fail/state").status_code == 409
    field = client.get("/fail/field")
    assert field.status_code == 422
    assert field.json()["detail"] == [{"field": "body.reason", "message": "needs a reason"}]
