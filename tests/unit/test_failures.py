"""Which failures are the infrastructure's (waited out) and which the message's
(retried, then dead-lettered)."""

from __future__ import annotations

import asyncpg
import pytest
from aiokafka import errors as kafka_errors
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa_exc

from shared.errors import InvalidTransition
from shared.messaging.failures import is_infrastructure


def _wrapped(cause: BaseException, outer: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as exc:
        return exc


class _Strict(BaseModel):
    n: int


def _validation_error() -> ValidationError:
    try:
        _Strict.model_validate({"n": "x"})
    except ValidationError as exc:
        return exc
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        sa_exc.InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        kafka_errors.KafkaConnectionError("no broker"),
        kafka_errors.KafkaTimeoutError(),
        # SQLAlchemy wraps the driver's error: the cause decides.
        _wrapped(
            asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
            sa_exc.DBAPIError("INSERT", {}, Exception("wrapped")),
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_outages_are_the_infrastructures(exc: BaseException) -> None:
    assert is_infrastructure(exc)


@pytest.mark.parametrize(
    "exc",
    [
        RuntimeError("cannot handle this one"),
        KeyError("lead_unit"),
        InvalidTransition("the task is completed"),
        _validation_error(),
        sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_what_the_message_causes_is_the_messages(exc: BaseException) -> None:
    assert not is_infrastructure(exc)
