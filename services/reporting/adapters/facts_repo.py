"""Storing and loading facts (the read model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters.tables import facts, inbox
from services.reporting.domain.facts import Fact
from shared.contracts.envelope import Envelope
from shared.contracts.events import EVENTS_BY_TYPE


def fact_row(envelope: Envelope) -> dict[str, Any]:
    assert envelope.topic is not None and envelope.partition is not None
    assert envelope.offset is not None
    return {
        "event_id": envelope.id,
        "agency": envelope.event.agency,
        "ce_type": envelope.type,
        "topic": envelope.topic,
        "partition": envelope.partition,
        "offset": envelope.offset,
        "time": envelope.time,
        "payload": envelope.event.model_dump(mode="json"),
    }


async def add(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert facts; one already known (same event id) is left as it is."""
    if rows:
        await session.execute(insert(facts).values(list(rows)).on_conflict_do_nothing())


def _fact(r: Any) -> Fact:
    event = EVENTS_BY_TYPE[r["ce_type"]].model_validate(r["payload"])
    return Fact(
        r["event_id"], r["ce_type"], r["topic"], r["partition"], r["offset"], r["time"], event
    )


async def load(
    session: AsyncSession, *, agency: str | None = None, types: Sequence[str] = ()
) -> list[Fact]:
    query = select(facts).order_by(facts.c.time, facts.c.event_id)
    if agency:
        query = query.where(facts.c.agency == agency)
    if types:
        query = query.where(facts.c.ce_type.in_(types))
    return [_fact(r) for r in (await session.execute(query)).mappings()]


async def offsets(session: AsyncSession) -> dict[str, dict[int, int]]:
    """Highest offset seen per topic partition: what the read model covers."""
    rows = await session.execute(
        select(facts.c.topic, facts.c.partition, func.max(facts.c.offset)).group_by(
            facts.c.topic, facts.c.partition
        )
    )
    out: dict[str, dict[int, int]] = {}
    for topic, partition, offset in rows:
        out.setdefault(topic, {})[partition] = offset
    return out


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(facts)) or 0)


async def drop_read_model(session: AsyncSession, consumer: str) -> None:
    await session.execute(delete(facts))
    await session.execute(delete(inbox).where(inbox.c.consumer == consumer))
