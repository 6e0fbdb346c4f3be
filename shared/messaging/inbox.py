"""Inbox: the ids of events a consumer has handled, written in the same transaction
as the handler's effect. A redelivered event finds its id and does nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.bulk import insert_rows


async def first_delivery(
    session: AsyncSession,
    table: Table,
    *,
    consumer: str,
    event_id: str,
    event_type: str,
    topic: str,
    partition: int,
    offset: int,
) -> bool:
    """Record the event as handled; False when it already was (a duplicate)."""
    result = await session.execute(
        insert(table)
        .values(
            consumer=consumer,
            event_id=event_id,
            event_type=event_type,
            topic=topic,
            partition=partition,
            offset=offset,
        )
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return result.first() is not None


async def first_deliveries(
    session: AsyncSession, table: Table, consumer: str, deliveries: Sequence[Delivery]
) -> set[str]:
    """`first_delivery` for a batch, in one round trip: the ids recorded now (those
    already handled are left out)."""
    if not deliveries:
        return set()
    inserted = await insert_rows(
        session,
        table,
        [
            {
                "consumer": consumer,
                "event_id": d.event_id,
                "event_type": d.event_type,
                "topic": d.topic,
                "partition": d.partition,
                "offset": d.offset,
            }
            for d in deliveries
        ],
        skip_conflicts=True,
        returning="event_id",
    )
    return set(inserted)


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    topic: str
    partition: int
    offset: int
