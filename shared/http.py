"""HTTP error shape shared by the services: 4xx with the field and a message.

`{"detail": [{"field": "body.deadline.date", "message": "..."}]}` for validation
errors; domain errors map to 404/409/422 with a one-line message.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class NotFound(Exception):
    """The requested resource does not exist (404)."""


class Conflict(Exception):
    """The request is valid but not in the current state (409)."""


class Unprocessable(Exception):
    """The input is well-formed but not acceptable (422)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
            for err in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(Unprocessable)
    async def unprocessable(_: Request, exc: Unprocessable) -> JSONResponse:
        body: dict[str, object] = {"detail": [{"field": exc.field, "message": str(exc)}]}
        return JSONResponse(status_code=422, content=body)
