"""Loading and saving tasks. History rows are append-only: `save` writes only the
entries the aggregate gained since it was loaded."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.tasks.adapters.tables import UNFLAGGED, directive_parents, task_history, tasks
from services.tasks.domain.model import OPEN, HistoryEntry, PendingExtension, Status, Task
from shared.bulk import insert_rows
from shared.contracts.values import Deadline, UnitRef
from shared.pagination import Page, PageRequest, cut, keyset


def _row(t: Task) -> dict[str, Any]:
    pending = t.pending_extension
    return {
        "id": t.id,
        "agency": t.agency,
        "directive_id": t.directive_id,
        "directive_reference": t.directive_reference,
        "violation_id": t.violation_id,
        "assignment_index": t.assignment_index,
        "occurrence": t.occurrence,
        "lead_code": t.lead_unit.code,
        "lead_name": t.lead_unit.name,
        # JSONB columns take pydantic values as they are (shared.db.json_text).
        "coordinating_units": t.coordinating_units,
        "action": t.action,
        "deadline": t.deadline,
        "due_date": t.due_date,
        "status": t.status.value,
        "percent": t.percent,
        "overdue_notified": t.overdue_notified,
        "result": t.result,
        "staff_reached": t.staff_reached,
        "completed_at": t.completed_at,
        "on_time": t.on_time,
        "pending_extension": (
            {"requested_due_date": pending.requested_due_date.isoformat(), "reason": pending.reason}
            if pending
            else None
        ),
    }


def _task(r: Any, history: Sequence[HistoryEntry]) -> Task:
    pending = r["pending_extension"]
    return Task(
        id=r["id"],
        agency=r["agency"],
        directive_id=r["directive_id"],
        directive_reference=r["directive_reference"],
        violation_id=r["violation_id"],
        assignment_index=r["assignment_index"],
        occurrence=r["occurrence"],
        lead_unit=UnitRef(code=r["lead_code"], name=r["lead_name"]),
        coordinating_units=tuple(UnitRef(**u) for u in r["coordinating_units"]),
        action=r["action"],
        deadline=Deadline.model_validate(r["deadline"]),
        due_date=r["due_date"],
        status=Status(r["status"]),
        percent=r["percent"],
        overdue_notified=r["overdue_notified"],
        result=r["result"],
        staff_reached=r["staff_reached"],
        completed_at=r["completed_at"],
        on_time=r["on_time"],
        pending_extension=(
            PendingExtension(
                dt.date.fromisoformat(pending["requested_due_date"]), pending["reason"]
            )
            if pending
            else None
        ),
        history=tuple(history),
    )


async def add_new(session: AsyncSession, new: Sequence[Task], at: dt.datetime) -> list[Task]:
    """Insert tasks that do not exist yet; return those actually inserted.

    Both statements carry all their rows at once (`shared.bulk`), one round trip each
    whatever the number of tasks."""
    if not new:
        return []
    inserted = set(
        await insert_rows(
            session, tasks, [_row(t) for t in new], skip_conflicts=True, returning="id"
        )
    )
    created = [t for t in new if t.id in inserted]
    await insert_rows(
        session,
        task_history,
        [{"task_id": t.id, "at": at, "kind": "assigned", "data": {}} for t in created],
    )
    return created


async def save(session: AsyncSession, before: Task, after: Task) -> None:
    row = _row(after)
    row.pop("id")
    await session.execute(
        tasks.update()
        .where(tasks.c.id == after.id)
        .values(**row, updated_at=dt.datetime.now(dt.UTC))
    )
    added = after.history[len(before.history) :]
    if added:
        await session.execute(
            insert(task_history),
            [{"task_id": after.id, "at": h.at, "kind": h.kind, "data": h.data} for h in added],
        )


async def _with_history(session: AsyncSession, rows: Sequence[Any]) -> list[Task]:
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    entries: dict[uuid.UUID, list[HistoryEntry]] = {i: [] for i in ids}
    for h in (
        await session.execute(
            select(task_history).where(task_history.c.task_id.in_(ids)).order_by(task_history.c.id)
        )
    ).mappings():
        entries[h["task_id"]].append(HistoryEntry(h["at"], h["kind"], h["data"]))
    return [_task(r, entries[r["id"]]) for r in rows]


async def get(session: AsyncSession, task_id: uuid.UUID, *, lock: bool = False) -> Task | None:
    query = select(tasks).where(tasks.c.id == task_id)
    if lock:
        query = query.with_for_update()
    found = await _with_history(session, (await session.execute(query)).mappings().all())
    return found[0] if found else None


# By directive, then the letter's order of duties; remediation tasks (no directive)
# last. Ending with the id makes the order total, as the cursor needs.
_NO_DIRECTIVE = uuid.UUID(int=2**128 - 1)
LIST_KEY = (
    func.coalesce(tasks.c.directive_id, _NO_DIRECTIVE),
    tasks.c.assignment_index,
    tasks.c.lead_name,
    tasks.c.id,
)


def list_key(t: Task) -> tuple[object, ...]:
    return (t.directive_id or _NO_DIRECTIVE, t.assignment_index, t.lead_unit.name, t.id)


async def page(
    session: AsyncSession,
    page: PageRequest,
    *,
    agency: str | None = None,
    directive_id: uuid.UUID | None = None,
    unit: str | None = None,
    status: Status | None = None,
    involving_unit: str | None = None,
) -> Page[Task]:
    """One page of tasks in list order. `unit` is the lead unit (code or name);
    `involving_unit` a unit code that leads or coordinates."""
    query = _filtered(select(tasks), agency, directive_id, unit, status)
    if involving_unit is not None:
        query = query.where(
            (tasks.c.lead_code == involving_unit)
            | tasks.c.coordinating_units.contains([{"code": involving_unit}])
        )
    rows = (await session.execute(keyset(query, LIST_KEY, page))).mappings().all()
    return cut(await _with_history(session, rows), page, list_key)


def _filtered(
    query: Select[Any],
    agency: str | None,
    directive_id: uuid.UUID | None,
    unit: str | None,
    status: Status | None,
) -> Select[Any]:
    if agency:
        query = query.where(tasks.c.agency == agency)
    if directive_id:
        query = query.where(tasks.c.directive_id == directive_id)
    if unit:
        query = query.where((tasks.c.lead_code == unit) | (tasks.c.lead_name == unit))
    if status:
        query = query.where(tasks.c.status == status.value)
    return query


async def find(
    session: AsyncSession,
    *,
    agency: str | None = None,
    directive_id: uuid.UUID | None = None,
    unit: str | None = None,
    status: Status | None = None,
    violation_id: uuid.UUID | None = None,
    not_yet_overdue_on: dt.date | None = None,
    open_only: bool = False,
    lock: bool = False,
) -> list[Task]:
    query = _filtered(select(tasks), agency, directive_id, unit, status).order_by(*LIST_KEY)
    if violation_id:
        query = query.where(tasks.c.violation_id == violation_id)
    if open_only:
        query = query.where(tasks.c.status.in_([s.value for s in OPEN]))
    if not_yet_overdue_on:
        # Due before that day and not flagged yet: a coarse filter in SQL, the exact
        # working-day rule is applied by the domain.
        query = query.where(tasks.c.due_date < not_yet_overdue_on).where(UNFLAGGED)
    if lock:
        query = query.with_for_update(skip_locked=True)
    return await _with_history(session, (await session.execute(query)).mappings().all())


# A province plan, a department's letter, a unit's own: deeper is a loop in the data.
MAX_LINEAGE = 8


async def record_parents(session: AsyncSession, parents: dict[uuid.UUID, uuid.UUID]) -> None:
    """Remember each directive's parent (directive → parent), in one statement."""
    if parents:
        await session.execute(
            insert(directive_parents).on_conflict_do_nothing(index_elements=["directive_id"]),
            [{"directive_id": d, "parent_id": p} for d, p in parents.items()],
        )


async def lineages(
    session: AsyncSession, directive_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """For each directive, the directives it descends from, root first, ending with
    itself; as far as this service heard of the parents (a parent issued before this
    service consumed it is still known: the link is on the child's own event). One
    recursive query for all of them; depth is bounded, so a cycle cannot loop."""
    ids = list(directive_ids)
    if not ids:
        return {}
    rows = await session.execute(
        text(
            """
            WITH RECURSIVE up(start, id, depth) AS (
                SELECT s, s, 1 FROM unnest(CAST(:ids AS uuid[])) AS s
                UNION ALL
                SELECT up.start, p.parent_id, up.depth + 1
                FROM up JOIN directive_parents p ON p.directive_id = up.id
                WHERE up.depth < :max_depth
            )
            SELECT start, id FROM up ORDER BY start, depth DESC
            """
        ),
        {"ids": ids, "max_depth": MAX_LINEAGE},
    )
    chains: dict[uuid.UUID, list[uuid.UUID]] = {}
    for start, directive in rows:
        chain = chains.setdefault(start, [])
        if directive not in chain:  # a cycle in bad data: each directive once
            chain.append(directive)
    return {start: tuple(chain) for start, chain in chains.items()}
