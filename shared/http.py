"""HTTP error shape shared by the services: 4xx with the field and a message.

`{"detail": [{"field": "body.deadline.date", "message": "..."}]}` for validation
errors; the domain error family (`shared.errors`) maps to 404/409/422/403 here, once,
with a one-line message (422 with the field, like validation errors).

It also holds the input types the request models share, so that every service refuses
the same unstorable input at its boundary, with the field, instead of failing deeper:

- `Text`: a string PostgreSQL can store and the DOCX report can print (no NUL, no
  other control character but tab, line and page breaks, no lone surrogate);
- `Day`: a date inside the years the platform works with;
- `Storable`: the same two checks over a whole nested model the service does not own
  (the contract types of `shared.contracts.values`, e.g. `DirectiveContent`), plus the
  bounds of what may reach an event (`shared.contracts.limits`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, ValidationError, WrapValidator
from pydantic_core import InitErrorDetails, PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.contracts.limits import MAX_LIST_ITEMS, MAX_TEXT_CHARS
from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidField,
    NotFound,
    Unauthenticated,
)
from shared.messaging.failures import is_infrastructure

log = logging.getLogger(__name__)

# What a 503 tells the client to wait before trying again, in seconds.
RETRY_AFTER_S = 5

# The years a date given to the platform may fall in: none of its documents predates
# the state (1945), and every later computation (the next occurrence of a yearly duty,
# the next working day, next year's plan in the report) must stay far from date.max,
# which a date such as 9999-12-31 would overflow. The reports' years lie inside too.
MIN_YEAR = 1945
MAX_YEAR = 2100


# Characters XML 1.0 does not allow: texts end up in the annual report's DOCX, whose
# writer refuses them. Tab, line and page breaks (\t \n \v \f \r) stay allowed: the
# writer turns them into layout, and letters pasted from a PDF carry form feeds.
_NOT_XML = re.compile("[\x01-\x08\x0e-\x1f\ufffe\uffff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be taken as text, or None when it can.

    NUL is refused by PostgreSQL in both text and JSONB; a lone surrogate (JSON allows
    the escape "\\ud800", Python keeps it in a str) is not Unicode and cannot be encoded
    as UTF-8 at all, neither for the database nor for a response echoing it; most other
    control characters cannot be written to the report's DOCX."""
    if "\x00" in value:
        return "must not contain NUL characters (\\u0000)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (no lone surrogate \\ud800-\\udfff)"
    bad = _NOT_XML.search(value)
    if bad:
        return (
            f"must not contain the character U+{ord(bad.group()):04X} "
            "(no control characters but tab, line and page breaks)"
        )
    return None


def day_problem(value: dt.date) -> str | None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return f"must be a date between {MIN_YEAR} and {MAX_YEAR}"
    return None


def _text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("unstorable_text", problem)
    return value


def _day(value: dt.date) -> dt.date:
    problem = day_problem(value)
    if problem:
        raise PydanticCustomError("date_out_of_range", problem)
    return value


Text = Annotated[str, AfterValidator(_text)]
Day = Annotated[dt.date, AfterValidator(_day)]


def _problems(value: object, loc: tuple[str | int, ...]) -> Iterator[InitErrorDetails]:
    """Every `text_problem`/`day_problem` inside a validated value, with its location."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield InitErrorDetails(
                type=PydanticCustomError("unstorable_text", problem), loc=loc, input=None
            )
        elif len(value) > MAX_TEXT_CHARS:
            yield InitErrorDetails(
                type=PydanticCustomError(
                    "text_too_long", f"must be at most {MAX_TEXT_CHARS:,} characters"
                ),
                loc=loc,
                input=None,
            )
    elif isinstance(value, dt.date):  # a datetime is a date too: same range
        problem = day_problem(value)
        if problem:
            yield InitErrorDetails(
                type=PydanticCustomError("date_out_of_range", problem), loc=loc, input=None
            )
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _problems(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            yield InitErrorDetails(
                type=PydanticCustomError(
                    "too_many_items", f"must have at most {MAX_LIST_ITEMS} items"
                ),
                loc=loc,
                input=None,
            )
            return
        for i, item in enumerate(value):
            yield from _problems(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _problems(key, (*loc, str(key)))
            yield from _problems(item, (*loc, str(key)))


def _storable(value: Any, handler: Any) -> Any:
    # Validate first, then check only what was kept: unknown fields, which the
    # contract types ignore, are never stored, so they cannot be a reason to refuse.
    validated = handler(value)
    errors = list(_problems(validated, ()))
    if errors:
        # Raised here, the locations are relative to this value: pydantic prefixes
        # them with the field's own, so the client sees e.g. body.content.subject.
        raise ValidationError.from_exception_data("Storable", errors)
    return validated


# Usage: `content: Annotated[DirectiveContent, Storable]`.
Storable = WrapValidator(_storable)


def _printable(value: object) -> str:
    """`value` as text a JSON response can carry: an error may echo the input, and a
    lone surrogate in it would make the error response itself fail with a 500."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {
                "field": _printable(".".join(str(p) for p in err["loc"])),
                "message": _printable(err["msg"]),
            }
            for err in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return domain_error_response(exc)

    app.add_exception_handler(Exception, _unexpected)


class FieldError(BaseModel):
    field: str | None
    message: str


class InvalidOut(BaseModel):
    detail: list[FieldError]


class ErrorOut(BaseModel):
    detail: str


class CodedErrorOut(BaseModel):
    detail: str = Field(description="Why, for the person (Vietnamese where it is a rule).")
    code: str = Field(description="Why, for programs: e.g. role_required, other_agency.")


# The error shapes every route may answer with, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": CodedErrorOut, "description": "No bearer token, or one that does not verify"},
    403: {"model": CodedErrorOut, "description": "Signed in, but not allowed"},
    404: {"model": ErrorOut, "description": "Not found (or another agency's)"},
    409: {"model": ErrorOut, "description": "Not in the current state"},
    413: {"model": InvalidOut, "description": "Request body over the limit"},
    422: {"model": InvalidOut, "description": "Invalid input, with the field"},
    503: {"model": ErrorOut, "description": "A dependency is down; retry after Retry-After"},
}


# Where a field named by the domain sits in the request: every command's input is the
# body of its request, unless the field already says otherwise.
_LOCATIONS = ("body", "path", "query", "header")


def domain_error_response(exc: DomainError) -> JSONResponse:
    """The one mapping of the domain error family to HTTP."""
    message = _printable(exc)
    if isinstance(exc, InvalidField):
        field = exc.field or "body"
        if field.split(".", 1)[0] not in _LOCATIONS:
            field = f"body.{field}"
        detail = [{"field": _printable(field), "message": message}]
        return JSONResponse(status_code=422, content={"detail": detail})
    if isinstance(exc, Forbidden):
        return JSONResponse(status_code=403, content={"detail": message, "code": exc.code})
    if isinstance(exc, Unauthenticated):
        return JSONResponse(
            status_code=401,
            content={"detail": message, "code": "unauthenticated"},
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    status = {NotFound: 404, Conflict: 409}
    code = next((c for cls, c in status.items() if isinstance(exc, cls)), 500)
    return JSONResponse(status_code=code, content={"detail": message})


class _BodyTooLarge(Exception):
    pass


def _json_response_bytes(status: int, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    payload = json.dumps(body).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(payload)),
        ],
    }
    return start, payload


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413 before they are read into
    memory: by Content-Length when the client sends one, else by counting the chunks
    as they arrive (a chunked upload cannot slip past). Pure ASGI, so it works the
    same under any route."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        limit = (
            f"{self.max_bytes / 1048576:g} MiB"
            if self.max_bytes >= 1048576
            else f"{self.max_bytes} bytes"
        )
        start, payload = _json_response_bytes(
            413,
            {
                "detail": [
                    {"field": "body", "message": f"the request body is over the limit of {limit}"}
                ]
            },
        )
        await send(start)
        await send({"type": "http.response.body", "body": payload})


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    """Anything not raised on purpose: 503 with Retry-After when a dependency is down
    (the client should simply try again), else 500 without internals."""
    if is_infrastructure(exc):
        log.warning("dependency unavailable: %s: %s", type(exc).__name__, exc)
        return JSONResponse(
            status_code=503,
            content={"detail": "a dependency (database or broker) is unavailable; retry later"},
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    log.error("unhandled error", exc_info=exc)
    return JSONResponse(status_code=500, content={"detail": "internal error"})
