"""Is a failure the message's fault, or the infrastructure's?

The consumer dead-letters a message only when it fails on its own merits (unreadable,
invalid, refused by a handler rule, a bug its content triggers). When the database or
the broker is unreachable, slow or briefly refusing (a restart, a failover, a
serialization conflict), every message would fail the same way: dead-lettering them
would turn an outage into a manual redrive of valid events. Those failures are waited
out instead, with capped backoff, for as long as they last.

The test is on the whole chain of causes (SQLAlchemy wraps the driver's exception):
- network and time: `OSError` (refused, reset, unreachable), `TimeoutError`;
- SQLAlchemy: `OperationalError`, `InterfaceError`, `DisconnectionError`, a pool
  `TimeoutError`, or any DBAPI error that invalidated its connection;
- PostgreSQL SQLSTATE classes 08 (connection), 40 (serialization failure, deadlock),
  53 (insufficient resources), 57P (shutdown, cannot connect now), 58 (system error);
- Kafka: `KafkaConnectionError`, `KafkaTimeoutError`, and any error Kafka marks retriable.
Everything else (a constraint violated, a domain rule, a bug) is the message's.
"""

from __future__ import annotations

from collections.abc import Iterator

from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sa_exc

_INFRA_SQLSTATE_PREFIXES = ("08", "40", "53", "57P", "58")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_infrastructure(exc: BaseException) -> bool:
    """True when `exc` says a dependency is unavailable, not that the input is bad."""
    for e in _causes(exc):
        if isinstance(e, OSError | TimeoutError):
            return True
        if isinstance(
            e,
            sa_exc.OperationalError
            | sa_exc.InterfaceError
            | sa_exc.DisconnectionError
            | sa_exc.TimeoutError,
        ):
            return True
        if isinstance(e, sa_exc.DBAPIError) and e.connection_invalidated:
            return True
        sqlstate = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_INFRA_SQLSTATE_PREFIXES):
            return True
        if isinstance(e, kafka_errors.KafkaConnectionError | kafka_errors.KafkaTimeoutError):
            return True
        if isinstance(e, kafka_errors.KafkaError) and getattr(e, "retriable", False):
            return True
    return False
