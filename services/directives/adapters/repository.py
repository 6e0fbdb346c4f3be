"""Loading and saving directives; numbering under a row lock."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.directives.adapters.tables import (
    directives,
    number_series,
    published_directories,
    task_progress,
)
from services.directives.domain.lineage import Candidate, TaskRow
from services.directives.domain.model import Directive, Status
from services.directives.domain.numbering import NumberSeries
from shared.contracts.values import DirectiveContent, ImportWarning
from shared.pagination import Page, PageRequest, cut, keyset


def _to_row(d: Directive) -> dict[str, object]:
    return {
        "id": d.id,
        "agency": d.agency,
        "status": d.status.value,
        "content": d.content.model_dump(mode="json"),
        "warnings": [w.model_dump(mode="json") for w in d.warnings],
        "year": d.year,
        "serial": d.serial,
        "issued_at": d.issued_at,
        "revoked_at": d.revoked_at,
        "revoke_reason": d.revoke_reason,
        "parent_directive_id": d.parent_directive_id,
        "addressed_agencies": list(d.addressed_agencies),
        "created_at": d.created_at,
    }


def _from_row(row: object) -> Directive:
    r = row._mapping  # type: ignore[attr-defined]
    return Directive(
        id=r["id"],
        agency=r["agency"],
        status=Status(r["status"]),
        content=DirectiveContent.model_validate(r["content"]),
        warnings=tuple(ImportWarning.model_validate(w) for w in r["warnings"]),
        year=r["year"],
        serial=r["serial"],
        issued_at=r["issued_at"],
        revoked_at=r["revoked_at"],
        revoke_reason=r["revoke_reason"],
        parent_directive_id=r["parent_directive_id"],
        addressed_agencies=tuple(r["addressed_agencies"] or ()),
        created_at=r["created_at"],
    )


async def add(session: AsyncSession, d: Directive) -> None:
    await session.execute(insert(directives).values(**_to_row(d)))


async def save(session: AsyncSession, d: Directive) -> None:
    row = _to_row(d)
    row.pop("id")
    await session.execute(directives.update().where(directives.c.id == d.id).values(**row))


async def get(
    session: AsyncSession, directive_id: uuid.UUID, *, lock: bool = False
) -> Directive | None:
    query = select(directives).where(directives.c.id == directive_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _from_row(row) if row else None


# Newest last, as they were written; the id makes the order total (for the cursor).
LIST_KEY = (directives.c.created_at, directives.c.id)


def list_key(d: Directive) -> tuple[object, ...]:
    return (d.created_at, d.id)


async def list_(
    session: AsyncSession,
    *,
    agency: str | None,
    status: str | None,
    year: int | None,
    page: PageRequest,
    addressed_to: str | None = None,
    cascading_in: tuple[str, ...] | None = None,
) -> Page[Directive]:
    query = select(directives)
    if agency:
        query = query.where(directives.c.agency == agency)
    if cascading_in is not None:
        # The issued directives of these agencies that give other agencies duties.
        query = query.where(directives.c.agency.in_(cascading_in))
        query = query.where(directives.c.status != "draft")
        query = query.where(func.cardinality(directives.c.addressed_agencies) > 0)
    if addressed_to:
        # ix_directives_addressed: a GIN probe, issued (and revoked) directives only.
        query = query.where(directives.c.addressed_agencies.contains([addressed_to]))
        query = query.where(directives.c.status != "draft")
    if status:
        query = query.where(directives.c.status == status)
    if year:
        query = query.where(directives.c.year == year)
    rows = (await session.execute(keyset(query, LIST_KEY, page))).all()
    return cut([_from_row(r) for r in rows], page, list_key)


async def take_next_serial(session: AsyncSession, agency: str, year: int) -> int:
    """Atomically reserve the next number of the agency's year (01 if first)."""
    result = await session.execute(
        insert(number_series)
        .values(agency=agency, year=year, last_serial=1)
        .on_conflict_do_update(
            index_elements=["agency", "year"],
            set_={"last_serial": number_series.c.last_serial + 1},
        )
        .returning(number_series.c.last_serial)
    )
    return int(result.scalar_one())


async def number_series_of(session: AsyncSession, agency: str, year: int) -> NumberSeries:
    """The agency's register for the year as it stands (last 0 when nothing was issued)."""
    last = await session.scalar(
        select(number_series.c.last_serial).where(
            number_series.c.agency == agency, number_series.c.year == year
        )
    )
    return NumberSeries(agency, year, int(last or 0))


async def continue_number_series(session: AsyncSession, series: NumberSeries) -> bool:
    """Move the register forward to `series.last_issued`, in one statement so that a
    number taken meanwhile is never handed out again: False when the register went past
    it in the meantime (nothing changed)."""
    result = await session.execute(
        insert(number_series)
        .values(agency=series.agency, year=series.year, last_serial=series.last_issued)
        .on_conflict_do_update(
            index_elements=["agency", "year"],
            set_={"last_serial": series.last_issued},
            where=number_series.c.last_serial <= series.last_issued,
        )
        .returning(number_series.c.last_serial)
    )
    return result.scalar_one_or_none() is not None


# What ix_directives_subject indexes.
subject_key = func.lower(directives.c.content["subject"].astext)


async def same_subject_issued(
    session: AsyncSession, agency: str, year: int, subject: str
) -> uuid.UUID | None:
    """Appendix VI asks systems to warn on duplicates: same subject, same year."""
    row = (
        await session.execute(
            select(directives.c.id)
            .where(directives.c.agency == agency)
            .where(directives.c.year == year)
            .where(directives.c.status != "draft")
            .where(subject_key == func.lower(subject))
            .limit(1)
        )
    ).first()
    return row[0] if row else None


async def directory_digest(session: AsyncSession, agency: str) -> str | None:
    return await session.scalar(
        select(published_directories.c.digest).where(published_directories.c.agency == agency)
    )


async def record_directory(session: AsyncSession, agency: str, digest: str) -> None:
    await session.execute(
        insert(published_directories)
        .values(agency=agency, digest=digest)
        .on_conflict_do_update(index_elements=["agency"], set_={"digest": digest})
    )


# --- lineage ---------------------------------------------------------------------------


async def upper_candidates(
    session: AsyncSession, agencies: tuple[str, ...], keys: set[tuple[int, int | None]]
) -> list[Candidate]:
    """Issued directives of `agencies` with one of the (serial, year) `keys` (year None:
    any year): an index probe each on ix_directives_issued_serial. A revoked directive
    is no parent: nothing implements a withdrawn plan."""
    if not agencies or not keys:
        return []
    wanted = [
        and_(directives.c.serial == serial, directives.c.year == year)
        if year is not None
        else directives.c.serial == serial
        for serial, year in keys
    ]
    rows = (
        await session.execute(
            select(
                directives.c.id,
                directives.c.agency,
                directives.c.serial,
                directives.c.content["symbol"].astext,
                directives.c.year,
            )
            .where(directives.c.agency.in_(agencies))
            .where(directives.c.status == "issued")
            .where(or_(*wanted))
        )
    ).all()
    return [Candidate(r[0], r[1], r[2], r[3] or "", r[4]) for r in rows]


async def children(
    session: AsyncSession, parent_ids: list[uuid.UUID], limit: int
) -> list[Directive]:
    """Issued directives implementing any of `parent_ids`, oldest first, at most `limit`."""
    if not parent_ids:
        return []
    rows = (
        await session.execute(
            select(directives)
            .where(directives.c.parent_directive_id.in_(parent_ids))
            .where(directives.c.status != "draft")
            .order_by(*LIST_KEY)
            .limit(limit)
        )
    ).all()
    return [_from_row(r) for r in rows]


async def progress(session: AsyncSession, directive_ids: list[uuid.UUID]) -> list[TaskRow]:
    """The tasks of `directive_ids`, counted by what the lineage view tells apart."""
    if not directive_ids:
        return []
    t = task_progress.c
    n = func.count().label("n")
    keys = (t.directive_id, t.assignment_index, t.lead_code, t.status, t.on_time, t.overdue)
    rows = (
        await session.execute(
            select(*keys, n).where(t.directive_id.in_(directive_ids)).group_by(*keys)
        )
    ).all()
    return [
        TaskRow(
            directive_id=r.directive_id,
            assignment_index=r.assignment_index,
            lead_code=r.lead_code,
            completed=r.status == "completed",
            on_time=bool(r.on_time),
            overdue=bool(r.overdue),
            cancelled=r.status == "cancelled",
            n=int(r.n),
        )
        for r in rows
    ]


async def task_assigned(
    session: AsyncSession,
    *,
    task_id: uuid.UUID,
    directive_id: uuid.UUID,
    agency: str,
    assignment_index: int,
    lead_code: str | None,
) -> None:
    await session.execute(
        insert(task_progress)
        .values(
            task_id=task_id,
            directive_id=directive_id,
            agency=agency,
            assignment_index=assignment_index,
            lead_code=lead_code,
            status="open",
        )
        .on_conflict_do_nothing(index_elements=["task_id"])
    )


async def task_changed(session: AsyncSession, task_id: uuid.UUID, **values: object) -> None:
    """A later transition of a task; one this service never saw assigned (a task of
    before this projection existed) changes nothing."""
    await session.execute(
        task_progress.update()
        .where(task_progress.c.task_id == task_id)
        .values(**values, updated_at=func.now())
    )
