"""The reporting service's tables: facts (the read model of every public event) and
what is kept beside them (narratives, reminders sent, submissions)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
from sqlalchemy import Select, column, delete, func, select, table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters.tables import (
    fact_positions,
    facts,
    inbox,
    narratives,
    obligations,
    reminders_sent,
    submissions,
)
from services.reporting.domain import obligations as ob
from services.reporting.domain.fact_keys import FactKeys, fact_keys
from services.reporting.domain.facts import Fact, directory_in_force
from services.reporting.domain.periods import Period, local_date
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    ALL_EVENTS,
    EVENTS_BY_TYPE,
    DirectiveIssued,
    DirectiveRevoked,
    Event,
    InspectionCompleted,
    OrgDirectoryPublished,
    ReportSubmitted,
    TaskAssigned,
    TaskEvent,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import Deadline, UnitRef
from shared.pagination import Page, PageRequest, cut, keyset

FACT_COLUMNS = tuple(c.name for c in facts.columns)
# The columns a fact takes from its envelope; the selection keys follow, in order.
_ENVELOPE_COLUMNS = ("event_id", "agency", "ce_type", "topic", "partition", "offset", "time")
assert (*_ENVELOPE_COLUMNS, "payload", *FactKeys._fields) == FACT_COLUMNS, FACT_COLUMNS


def fact_row(envelope: Envelope) -> dict[str, Any]:
    payload = envelope.event.model_dump(mode="json")
    return dict(zip(FACT_COLUMNS, fact_record(envelope, payload), strict=True))


def fact_record(envelope: Envelope, payload: Any = None) -> tuple[Any, ...]:
    """`fact_row` as a COPY record: values in `FACT_COLUMNS` order, the payload as JSON
    (the event's own, unless given). Built as one tuple: a rebuild makes one per event."""
    assert envelope.topic is not None and envelope.partition is not None
    assert envelope.offset is not None
    event = envelope.event
    return (
        envelope.id,
        event.agency,
        event.ce_type,
        envelope.topic,
        envelope.partition,
        envelope.offset,
        envelope.time,
        event.model_dump_json() if payload is None else payload,
        *fact_keys(event, envelope.time),
    )


def _count_new(new: Any) -> Any:
    """Add the facts just inserted (`new`: a CTE returning them) to `fact_positions`."""
    grouped = select(
        new.c.agency,
        new.c.topic,
        new.c.partition,
        func.max(new.c.offset),
        func.count(),
    ).group_by(new.c.agency, new.c.topic, new.c.partition)
    return _add_positions(
        insert(fact_positions).from_select(
            ["agency", "topic", "partition", "max_offset", "facts"], grouped
        )
    )


def _add_positions(stmt: Any) -> Any:
    """`stmt` (rows of agency, topic, partition, max_offset, facts) added to the counts."""
    return stmt.on_conflict_do_update(
        index_elements=["agency", "topic", "partition"],
        set_={
            "max_offset": func.greatest(fact_positions.c.max_offset, stmt.excluded.max_offset),
            "facts": fact_positions.c.facts + stmt.excluded.facts,
        },
    )


def _positions_of(records: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """What `_count_new` computes in SQL, for records that are all new."""
    found: dict[tuple[str, str, int], list[int]] = {}
    for r in records:
        # agency, topic, partition -> [highest offset, how many]
        held = found.setdefault((r[1], r[3], r[4]), [r[5], 0])
        held[0] = max(held[0], r[5])
        held[1] += 1
    return [
        {"agency": a, "topic": t, "partition": p, "max_offset": o, "facts": n}
        for (a, t, p), (o, n) in found.items()
    ]


_RETURNED = (facts.c.agency, facts.c.topic, facts.c.partition, facts.c.offset)


async def add(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert facts, counting the new ones in `fact_positions`; one already known
    (same event id) is left as it is and counted once. One statement."""
    if rows:
        new = (insert(facts).values(list(rows)).on_conflict_do_nothing().returning(*_RETURNED)).cte(
            "new"
        )
        await session.execute(_count_new(new))


async def copy_in(session: AsyncSession, records: Sequence[tuple[Any, ...]]) -> None:
    """`add` for many facts at once (the rebuild). `records` are tuples in
    `FACT_COLUMNS` order, payloads as JSON text.

    Design note: in a rebuild nearly every batch is all new facts, so they are COPYed
    straight into `facts` (in a savepoint) and counted in `fact_positions` from the
    records. A batch holding a known event id (written meanwhile by the live consumer,
    or twice on the log) fails that COPY as a whole on the primary key; it is then
    stored as `add` would: COPYed into a scratch table, moved with one
    `INSERT … SELECT … ON CONFLICT DO NOTHING`, the new ones counted. The scratch table
    made PostgreSQL write, read and truncate every fact once more: a third of its work
    in a rebuild."""
    if not records:
        return
    conn = await session.connection()
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    try:
        async with session.begin_nested():
            await raw.copy_records_to_table("facts", records=records, columns=FACT_COLUMNS)
    except asyncpg.UniqueViolationError:
        await _copy_in_known(session, raw, records)
        return
    await session.execute(_add_positions(insert(fact_positions).values(_positions_of(records))))


async def _copy_in_known(
    session: AsyncSession, raw: Any, records: Sequence[tuple[Any, ...]]
) -> None:
    """`copy_in` of a batch some of whose facts are already stored."""
    await session.execute(
        text("CREATE TEMP TABLE IF NOT EXISTS incoming_facts (LIKE facts) ON COMMIT DELETE ROWS")
    )
    await raw.copy_records_to_table("incoming_facts", records=records, columns=FACT_COLUMNS)
    incoming = table("incoming_facts", *(column(c) for c in FACT_COLUMNS))
    new = (
        insert(facts)
        .from_select(list(FACT_COLUMNS), select(incoming))
        .on_conflict_do_nothing()
        .returning(*_RETURNED)
    ).cte("new")
    await session.execute(_count_new(new))


def _fact(r: Any) -> Fact:
    event = EVENTS_BY_TYPE[r["ce_type"]].model_validate(r["payload"])
    return Fact(
        r["event_id"], r["ce_type"], r["topic"], r["partition"], r["offset"], r["time"], event
    )


async def _facts(session: AsyncSession, query: Select[Any]) -> list[Fact]:
    return [_fact(r) for r in (await session.execute(query)).mappings()]


async def load(
    session: AsyncSession, *, agency: str | None = None, types: Sequence[str] = ()
) -> list[Fact]:
    """Every fact (of an agency, of some types): for tests and tools, never a report."""
    query = select(facts).order_by(facts.c.time, facts.c.event_id)
    if agency:
        query = query.where(facts.c.agency == agency)
    if types:
        query = query.where(facts.c.ce_type.in_(types))
    return await _facts(session, query)


async def latest_directory(
    session: AsyncSession, agency: str, on: dt.date | None = None
) -> Fact | None:
    """The agency's directory in force on `on` (its newest version when None); an
    agency publishes a few versions, so all are read and `directory_in_force` picks."""
    found = await _facts(
        session,
        select(facts)
        .where(facts.c.agency == agency)
        .where(facts.c.ce_type == OrgDirectoryPublished.ce_type),
    )
    return directory_in_force(found, on)


def _of(agency: str, *types: type[Event]) -> Select[Any]:
    return (
        select(facts)
        .where(facts.c.agency == agency)
        .where(facts.c.ce_type.in_([t.ce_type for t in types]))
    )


TASK_TYPES = [t.ce_type for t in ALL_EVENTS if issubclass(t, TaskEvent)]


def _ids(found: Sequence[Fact], attribute: str) -> list[uuid.UUID]:
    return sorted({getattr(f.event, attribute) for f in found})


async def load_year(session: AsyncSession, agency: str, period: Period) -> list[Fact]:
    """The facts the agency's report for `period` is computed from, and no others
    (`domain.fact_keys` says which and why): a handful of indexed lookups whose cost
    follows the year's work, not the years before it."""
    start, cutoff = period.start_instant, period.cutoff
    directory = await latest_directory(session, agency, period.end)
    scheme = await _facts(session, _of(agency, DirectiveIssued).where(facts.c.scheme))
    scheme_ids = _ids(scheme, "directive_id")
    revoked = await _facts(
        session,
        _of(agency, DirectiveRevoked).where(facts.c.directive_id.in_(scheme_ids)),
    )
    # Tasks assigned in the period to a scheme directive's duty or a remedy, with every
    # event of those tasks (an earlier assignment of the same task included).
    assigned_ids = select(facts.c.subject_id).where(
        facts.c.agency == agency,
        facts.c.ce_type == TaskAssigned.ce_type,
        facts.c.at >= start,
        facts.c.at < cutoff,
        facts.c.directive_id.in_(scheme_ids) | facts.c.violation_id.is_not(None),
    )
    tasks = await _facts(
        session,
        select(facts).where(
            facts.c.agency == agency,
            facts.c.ce_type.in_(TASK_TYPES),
            facts.c.subject_id.in_(assigned_ids),
        ),
    )
    # Inspections completed in the period, their findings, and those findings' remedies.
    completed_ids = select(facts.c.subject_id).where(
        facts.c.agency == agency,
        facts.c.ce_type == InspectionCompleted.ce_type,
        facts.c.at >= start,
        facts.c.at < cutoff,
    )
    inspections = await _facts(
        session,
        _of(agency, InspectionCompleted, ViolationRecorded).where(
            facts.c.inspection_id.in_(completed_ids)
        ),
    )
    violation_ids = [
        f.event.violation_id for f in inspections if isinstance(f.event, ViolationRecorded)
    ]
    resolved = await _facts(
        session, _of(agency, ViolationResolved).where(facts.c.subject_id.in_(violation_ids))
    )
    # The upper directives the scheme directives implement: each parent's own
    # `directive.issued`, of another agency (ix_facts_directive).
    parent_ids = {
        f.event.parent_directive_id
        for f in scheme
        if isinstance(f.event, DirectiveIssued) and f.event.parent_directive_id is not None
    }
    parents = await _facts(
        session,
        select(facts).where(
            facts.c.ce_type == DirectiveIssued.ce_type, facts.c.directive_id.in_(parent_ids)
        ),
    )
    found = [*scheme, *revoked, *tasks, *inspections, *resolved, *parents]
    return [directory, *found] if directory else found


async def positions(session: AsyncSession, agency: str) -> tuple[dict[str, dict[int, int]], int]:
    """What the read model covers: the highest offset held per topic partition (every
    agency's), and how many of this agency's facts it holds."""
    rows = await session.execute(
        select(
            fact_positions.c.topic,
            fact_positions.c.partition,
            func.max(fact_positions.c.max_offset),
            func.sum(fact_positions.c.facts).filter(fact_positions.c.agency == agency),
        ).group_by(fact_positions.c.topic, fact_positions.c.partition)
    )
    out: dict[str, dict[int, int]] = {}
    held = 0
    for topic, partition, offset, mine in rows:
        out.setdefault(topic, {})[partition] = offset
        held += int(mine or 0)
    return out, held


async def submitted_reports(session: AsyncSession, year: int) -> list[ReportSubmitted]:
    """The `report.submitted` events of one reporting year (every agency's)."""
    found = await _facts(
        session,
        select(facts).where(facts.c.ce_type == ReportSubmitted.ce_type, facts.c.year == year),
    )
    return [f.event for f in found if isinstance(f.event, ReportSubmitted)]


def _obligation_body(o: ob.Obligation) -> dict[str, Any]:
    return {
        "obligation_id": str(o.obligation_id),
        "agency": o.agency,
        "directive_id": str(o.directive_id),
        "directive_reference": o.directive_reference,
        "index": o.index,
        "responsible_unit": o.responsible_unit.model_dump(mode="json"),
        "title": o.title,
        "deadline": o.deadline.model_dump(mode="json"),
    }


def _obligation(body: dict[str, Any]) -> ob.Obligation:
    return ob.Obligation(
        obligation_id=uuid.UUID(body["obligation_id"]),
        agency=body["agency"],
        directive_id=uuid.UUID(body["directive_id"]),
        directive_reference=body["directive_reference"],
        index=body["index"],
        responsible_unit=UnitRef.model_validate(body["responsible_unit"]),
        title=body["title"],
        deadline=Deadline.model_validate(body["deadline"]),
    )


def obligation_changes(events: Sequence[Event]) -> tuple[list[dict[str, Any]], list[Any]]:
    """What `track_obligations` writes for some events: the new duties' rows, and the
    statement marking revoked the duties of the directives they touch."""
    rows, touched = [], set()
    for e in events:
        if isinstance(e, DirectiveIssued):
            issued_on = e.content.date or local_date(e.issued_at)
            for o in ob.obligations_of(e):
                first_due = ob.occurrence_due(o, ob.next_occurrence(o, issued_on))
                rows.append(
                    {
                        "obligation_id": o.obligation_id,
                        "agency": o.agency,
                        "directive_id": o.directive_id,
                        "issued_on": issued_on,
                        "body": _obligation_body(o),
                        "next_due": first_due,
                    }
                )
            touched.add(e.directive_id)
        elif isinstance(e, DirectiveRevoked):
            touched.add(e.directive_id)
    revoked = select(facts.c.event_id).where(
        facts.c.ce_type == DirectiveRevoked.ce_type,
        facts.c.directive_id == obligations.c.directive_id,
    )
    mark = (
        obligations.update()
        .where(obligations.c.directive_id.in_(sorted(touched)), revoked.exists())
        .values(revoked=True)
    )
    return rows, [mark] if touched else []


async def track_obligations(session: AsyncSession, events: Sequence[Event]) -> None:
    """Keep `obligations` as directive facts arrive (after `add` stored them): the
    duties of an issued directive, marked revoked once its revocation is a fact,
    whichever of the two came first."""
    rows, marks = obligation_changes(events)
    if rows:
        await session.execute(insert(obligations).on_conflict_do_nothing(), rows)
    for mark in marks:
        await session.execute(mark)


async def obligations_in_force(
    session: AsyncSession, *, agency: str | None = None, due_by: dt.date | None = None
) -> list[tuple[ob.Obligation, dt.date, dt.date]]:
    """(obligation, issued on, next due) of the duties not revoked: an agency's, or
    those whose bookmark falls on or before `due_by`."""
    query = select(obligations.c.body, obligations.c.issued_on, obligations.c.next_due).where(
        obligations.c.revoked.is_(False)
    )
    if agency:
        query = query.where(obligations.c.agency == agency)
    if due_by:
        query = query.where(obligations.c.next_due <= due_by)
    rows = await session.execute(query.order_by(obligations.c.obligation_id))
    return [(_obligation(body), issued_on, next_due) for body, issued_on, next_due in rows]


async def move_bookmark(session: AsyncSession, obligation_id: uuid.UUID, due: dt.date) -> None:
    await session.execute(
        obligations.update()
        .where(obligations.c.obligation_id == obligation_id)
        .values(next_due=due)
    )


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


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(facts)) or 0)


async def drop_read_model(session: AsyncSession, consumer: str) -> None:
    await session.execute(text("TRUNCATE facts, fact_positions, obligations"))
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
    session: AsyncSession, obligation_ids: Sequence[uuid.UUID], since: dt.date
) -> dict[tuple[uuid.UUID, dt.date], set[str]]:
    """The reminder keys already sent for these obligations, due on or after `since`."""
    sent: dict[tuple[uuid.UUID, dt.date], set[str]] = {}
    query = reminders_sent.select().where(
        reminders_sent.c.obligation_id.in_(obligation_ids), reminders_sent.c.due_date >= since
    )
    for row in (await session.execute(query)).mappings():
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


async def submitted(session: AsyncSession, since_year: int) -> set[tuple[str, int]]:
    """(agency, year) of the reports submitted here for `since_year` on, known before
    their events return."""
    rows = await session.execute(
        select(submissions.c.agency, submissions.c.year).where(submissions.c.year >= since_year)
    )
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
