"""Transactional outbox: events are rows written in the same transaction as the state
change they describe, so a state change without its event (or the reverse) cannot
exist. The relay (relay.py) publishes the rows afterwards."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bulk import insert_rows
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import Event
from shared.contracts.limits import MAX_EVENT_BYTES
from shared.errors import InvalidField
from shared.telemetry import current_traceparent

_NOTIFIED = "chidao.outbox.notified"


def notify_channel(service: str) -> str:
    return f"outbox_{service}"


class Outbox:
    def __init__(self, table: Table, service: str, clock: Clock) -> None:
        self.table = table
        self.service = service
        self.clock = clock

    async def add(self, session: AsyncSession, *events: Event) -> list[Envelope]:
        """Stage events in the caller's transaction; they are published after commit."""
        traceparent = current_traceparent()
        return await self.add_traced(session, [(e, traceparent) for e in events])

    async def add_traced(
        self, session: AsyncSession, events: Sequence[tuple[Event, str | None]]
    ) -> list[Envelope]:
        """`add` for the effects of several causes at once (a batch handler's), each
        event continuing the trace given beside it; one insert for all."""
        if not events:
            return []
        now = self.clock.now()
        envelopes = [
            Envelope(event=e, source=f"chidao/{self.service}", time=now, traceparent=traceparent)
            for e, traceparent in events
        ]
        rows = []
        for env in envelopes:
            value = env.value()
            # A row the broker would refuse would sit at the head of the outbox: the
            # command that would write it fails instead (shared.contracts.limits).
            if len(value) > MAX_EVENT_BYTES:
                raise InvalidField(
                    f"the {env.type} event would be {len(value):,} bytes, "
                    f"over the limit of {MAX_EVENT_BYTES:,}: shorten the content",
                    "body",
                )
            rows.append(
                {
                    "event_id": env.id,
                    "event_type": env.type,
                    "topic": env.event.topic,
                    "key": env.subject,
                    "headers": env.headers(),
                    "value": value,
                    "traceparent": env.traceparent,
                }
            )
        await insert_rows(session, self.table, rows)
        # Delivered by PostgreSQL only if and when this transaction commits; one
        # notification per transaction is enough to wake the relay.
        if not session.info.get(_NOTIFIED):
            await session.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(self.service)}
            )
            session.info[_NOTIFIED] = True
        return envelopes
