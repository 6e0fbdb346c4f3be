"""The reporting service's tables: facts (the read model of every public event) and
what is kept beside them (narratives, reminders sent, submissions)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters.tables import (
    facts,
    inbox,
    narratives,
    reminders_sent,
    submissions,
)
from services.reporting.domain.facts import Fact
from shared.contracts.envelope import Envelope
from shared.contracts.events import EVENTS_BY_TYPE
from shared.pagination import Page, PageRequest, cut, keyset


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


FACTS_KEY = (facts.c.time, facts.c.event_id)


async def load_page(
    session: AsyncSession, page: PageRequest, *, agency: str | None, types: Sequence[str]
) -> Page[Fact]:
    """One page of facts in time order (the reminders list)."""
    query = select(facts)
    if agency:
        query = query.where(facts.c.agency == agency)
    if types:
        query = query.where(facts.c.ce_type.in_(types))
    rows = (await session.execute(keyset(query, FACTS_KEY, page))).mappings()
    return cut([_fact(r) for r in rows], page, lambda f: (f.time, f.event_id))


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


# --- narratives --------------------------------------------------------------------


async def narrative(session: AsyncSession, agency: str, year: int) -> dict[str, str]:
    sections = await session.scalar(
        select(narratives.c.sections)
        .where(narratives.c.agency == agency)
        .where(narratives.c.year == year)
    )
    return dict(sections or {})


async def merge_narrative(
    session: AsyncSession, agency: str, year: int, sections: Mapping[str, str], at: dt.datetime
) -> None:
    """Set some sections, keep the others: one statement (jsonb `||`), so two clerks
    editing different sections at once both keep their text."""
    stmt = insert(narratives).values(
        agency=agency, year=year, sections=dict(sections), updated_at=at
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["agency", "year"],
            set_={
                "sections": narratives.c.sections.op("||")(stmt.excluded.sections),
                "updated_at": at,
            },
        )
    )


# --- reminders and submissions -------------------------------------------------------


async def reminders_sent_by_due(
    session: AsyncSession,
) -> dict[tuple[uuid.UUID, dt.date], set[str]]:
    """The reminder keys already sent, by obligation and due date."""
    sent: dict[tuple[uuid.UUID, dt.date], set[str]] = {}
    for row in (await session.execute(reminders_sent.select())).mappings():
        sent.setdefault((row["obligation_id"], row["due_date"]), set()).add(row["key"])
    return sent


async def mark_reminder_sent(
    session: AsyncSession, obligation_id: uuid.UUID, due: dt.date, key: str, at: dt.datetime
) -> bool:
    """Record a reminder as sent; False when it already was (another instance won)."""
    inserted = await session.execute(
        insert(reminders_sent)
        .values(obligation_id=obligation_id, due_date=due, key=key, sent_at=at)
        .on_conflict_do_nothing()
        .returning(reminders_sent.c.key)
    )
    return inserted.first() is not None


async def submitted(session: AsyncSession) -> set[tuple[str, int]]:
    """(agency, year) of every report submitted here, known before its event returns."""
    rows = await session.execute(select(submissions.c.agency, submissions.c.year))
    return {(agency, year) for agency, year in rows}


async def record_submission(session: AsyncSession, agency: str, year: int, at: dt.datetime) -> bool:
    """Record a report as submitted; False when it already was (a submission is final)."""
    inserted = await session.execute(
        insert(submissions)
        .values(agency=agency, year=year, submitted_at=at)
        .on_conflict_do_nothing()
        .returning(submissions.c.agency)
    )
    return inserted.first() is not None
