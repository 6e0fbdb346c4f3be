"""Loading and saving inspections with their results and violations.

`save` writes what changed between the loaded and the changed aggregate: results only
while planned (they are final afterwards), violations inserted at completion and
updated when verified."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.inspections.adapters import rows
from services.inspections.adapters.tables import inspections, results, units, violations
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.values import Result
from services.inspections.domain.violation import Violation
from shared.contracts.values import Unit
from shared.directory_copy import agencies as known_agencies
from shared.directory_copy import replace_units, unit_names
from shared.pagination import Page, PageRequest, cut, keyset


async def add(session: AsyncSession, inspection: Inspection) -> None:
    await session.execute(insert(inspections).values(rows.inspection_row(inspection)))


async def save(session: AsyncSession, before: Inspection, after: Inspection) -> None:
    row = rows.inspection_row(after)
    row.pop("id")
    await session.execute(
        update(inspections)
        .where(inspections.c.id == after.id)
        .values(**row, updated_at=dt.datetime.now(dt.UTC))
    )
    if after.results != before.results:
        await session.execute(delete(results).where(results.c.inspection_id == after.id))
        if after.results:
            await session.execute(
                insert(results), [rows.result_row(after.id, r) for r in after.results]
            )
    known = {v.id: v for v in before.violations}
    new = [rows.violation_row(v) for v in after.violations if v.id not in known]
    if new:
        await session.execute(insert(violations), new)
    for v in after.violations:
        if v.id in known and known[v.id] != v:
            changed = rows.violation_row(v)
            await session.execute(
                update(violations).where(violations.c.id == v.id).values(**changed)
            )


async def _load(session: AsyncSession, records: Sequence[Any]) -> list[Inspection]:
    if not records:
        return []
    ids = [r["id"] for r in records]
    by_id: dict[uuid.UUID, list[Result]] = {i: [] for i in ids}
    v_by_id: dict[uuid.UUID, list[Violation]] = {i: [] for i in ids}
    for r in (
        await session.execute(select(results).where(results.c.inspection_id.in_(ids)))
    ).mappings():
        by_id[r["inspection_id"]].append(rows.result(r))
    query = select(violations).where(violations.c.inspection_id.in_(ids))
    for r in (await session.execute(query)).mappings():
        v_by_id[r["inspection_id"]].append(rows.violation(r))
    loaded = [rows.inspection(r, by_id[r["id"]], v_by_id[r["id"]]) for r in records]
    # Keep the aggregate's own order (targets, then criteria) whatever the row order.
    return [rows.ordered(i) for i in loaded]


async def get(
    session: AsyncSession, inspection_id: uuid.UUID, *, lock: bool = False
) -> Inspection | None:
    query = select(inspections).where(inspections.c.id == inspection_id)
    if lock:
        query = query.with_for_update()
    found = await _load(session, (await session.execute(query)).mappings().all())
    return found[0] if found else None


# By the period inspected, then as planned; the id makes the order total.
LIST_KEY = (inspections.c.period_start, inspections.c.created_at, inspections.c.id)
VIOLATIONS_KEY = (
    violations.c.recorded_at,
    violations.c.unit_code,
    violations.c.criterion,
    violations.c.id,
)


async def find(
    session: AsyncSession,
    page: PageRequest,
    *,
    agency: str | None = None,
    status: Status | None = None,
) -> Page[Inspection]:
    query = select(inspections)
    if agency:
        query = query.where(inspections.c.agency == agency)
    if status:
        query = query.where(inspections.c.status == status.value)
    rows = (await session.execute(keyset(query, LIST_KEY, page))).mappings().all()
    return cut(await _load(session, rows), page, lambda i: (i.period_start, i.created_at, i.id))


async def inspection_of(session: AsyncSession, violation_id: uuid.UUID) -> uuid.UUID | None:
    query = select(violations.c.inspection_id).where(violations.c.id == violation_id)
    found: uuid.UUID | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def find_violations(
    session: AsyncSession,
    page: PageRequest,
    *,
    agency: str | None = None,
    unit: str | None = None,
    resolved: bool | None = None,
    inspection_id: uuid.UUID | None = None,
) -> Page[Violation]:
    v = violations.c
    query = select(violations)
    if agency:
        query = query.where(v.agency == agency)
    if unit:
        query = query.where(v.unit_code == unit)
    if resolved is not None:
        query = query.where(v.resolved_at.is_not(None) if resolved else v.resolved_at.is_(None))
    if inspection_id:
        query = query.where(v.inspection_id == inspection_id)
    found = (await session.execute(keyset(query, VIOLATIONS_KEY, page))).mappings()
    return cut(
        [rows.violation(r) for r in found],
        page,
        lambda x: (x.recorded_at, x.unit.code, x.criterion, x.id),
    )


async def replace_directory(session: AsyncSession, agency: str, new_units: Sequence[Unit]) -> None:
    await replace_units(session, units, agency, new_units)


async def directory(session: AsyncSession, agency: str) -> dict[str, str]:
    """Unit code → name of the agency's local copy; empty until its directory arrives."""
    return await unit_names(session, units, agency)


async def agencies(session: AsyncSession) -> set[str]:
    return await known_agencies(session, units)
