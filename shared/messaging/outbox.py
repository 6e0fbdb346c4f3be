"""Transactional outbox: events are rows written in the same transaction as the state
change they describe, so a state change without its event (or the reverse) cannot
exist. The relay (relay.py) publishes the rows afterwards.

Design note (hand-over): the relay must publish what is in the table, and reading it
back (decoding every row's headers and value) was a fifth of the relay's work in the
tasks pipeline (issue 10). So once a transaction that staged rows has committed, and
only then, the rows as written are handed to the relay of this process
(`Outbox.hand_over`); the relay still selects the pending ids from the table, with the
same lock and order, and reads back only rows it was not handed (written by another
instance, or left from before a restart). A rolled-back transaction hands nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from shared.bulk import insert_rows
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import Event
from shared.contracts.limits import MAX_EVENT_BYTES
from shared.errors import InvalidField
from shared.telemetry import current_traceparent

_NOTIFIED = "chidao.outbox.notified"
_STAGED = "chidao.outbox.staged"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A row as the relay publishes it; `headers` are the Kafka headers without
    `traceparent`, which the relay sets from its own producer span."""

    id: int
    event_id: str
    event_type: str
    topic: str
    key: str
    headers: list[tuple[str, bytes]]
    value: bytes
    traceparent: str | None

    @classmethod
    def read(cls, row: Any) -> OutboxRow:
        """From the table (its `headers` column holds every header as JSON)."""
        headers: Mapping[str, str] = row.headers
        return cls(
            id=row.id,
            event_id=row.event_id,
            event_type=row.event_type,
            topic=row.topic,
            key=row.key,
            headers=[(k, v.encode()) for k, v in headers.items() if k != "traceparent"],
            value=row.value,
            traceparent=row.traceparent,
        )


HandOver = Callable[[list[OutboxRow]], None]


@dataclass(frozen=True, slots=True)
class Prepared:
    """An event in its envelope, and the outbox row that will carry it."""

    envelope: Envelope
    row: dict[str, Any]


@event.listens_for(Session, "after_commit")
def _hand_over_committed(session: Session) -> None:
    staged = session.info.pop(_STAGED, None)
    if staged:
        for receive, rows in staged:
            receive(rows)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_STAGED, None)


def notify_channel(service: str) -> str:
    return f"outbox_{service}"


class Outbox:
    def __init__(self, table: Table, service: str, clock: Clock) -> None:
        self.table = table
        self.service = service
        self.clock = clock
        self._receiver: HandOver | None = None

    def hand_over(self, receiver: HandOver) -> None:
        """Give the rows of each committed transaction to `receiver` (this process's
        relay), after the commit; see the design note above."""
        self._receiver = receiver

    async def add(self, session: AsyncSession, *events: Event) -> list[Envelope]:
        """Stage events in the caller's transaction; they are published after commit."""
        traceparent = current_traceparent()
        return await self.add_traced(session, [(e, traceparent) for e in events])

    async def add_traced(
        self, session: AsyncSession, events: Sequence[tuple[Event, str | None]]
    ) -> list[Envelope]:
        """`add` for the effects of several causes at once (a batch handler's), each
        event continuing the trace given beside it; one insert for all."""
        return await self.stage(session, self.prepare(events))

    def prepare(self, events: Sequence[tuple[Event, str | None]]) -> list[Prepared]:
        """The rows for these events, built without touching the database (so a handler
        may build them while a statement of its own runs); `stage` writes them."""
        now = self.clock.now()
        prepared = []
        for announced, traceparent in events:
            env = Envelope(
                event=announced,
                source=f"chidao/{self.service}",
                time=now,
                traceparent=traceparent,
            )
            value = env.value()
            # A row the broker would refuse would sit at the head of the outbox: the
            # command that would write it fails instead (shared.contracts.limits).
            if len(value) > MAX_EVENT_BYTES:
                raise InvalidField(
                    f"the {env.type} event would be {len(value):,} bytes, "
                    f"over the limit of {MAX_EVENT_BYTES:,}: shorten the content",
                    "body",
                )
            row = {
                "event_id": env.id,
                "event_type": env.type,
                "topic": announced.topic,
                "key": env.subject,
                "headers": env.headers(),
                "value": value,
                "traceparent": traceparent,
            }
            prepared.append(Prepared(env, row))
        return prepared

    async def stage(self, session: AsyncSession, prepared: Sequence[Prepared]) -> list[Envelope]:
        """Write prepared rows in the caller's transaction; published after commit."""
        if not prepared:
            return []
        rows = [p.row for p in prepared]
        ids = await insert_rows(session, self.table, rows, returning=("event_id", "id"))
        if self._receiver is not None:
            by_event = dict(ids)
            staged = [
                OutboxRow(
                    id=by_event[r["event_id"]],
                    event_id=r["event_id"],
                    event_type=r["event_type"],
                    topic=r["topic"],
                    key=r["key"],
                    headers=[
                        (k, v.encode()) for k, v in r["headers"].items() if k != "traceparent"
                    ],
                    value=r["value"],
                    traceparent=r["traceparent"],
                )
                for r in rows
            ]
            session.sync_session.info.setdefault(_STAGED, []).append((self._receiver, staged))
        # Delivered by PostgreSQL only if and when this transaction commits; one
        # notification per transaction is enough to wake the relay.
        if not session.info.get(_NOTIFIED):
            await session.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(self.service)}
            )
            session.info[_NOTIFIED] = True
        return [p.envelope for p in prepared]
