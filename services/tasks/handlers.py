"""Handlers of the tasks service: events in (from Kafka), commands in (from HTTP),
state plus outbox events out, one transaction each.

The task aggregate decides both the new state and the events (`Changed`); a handler
loads, applies, saves the state and stages the events in the same transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.tasks.adapters import repository as repo
from services.tasks.adapters.tables import units
from services.tasks.domain import expansion, succession
from services.tasks.domain.model import Status, Task
from shared.auth import AGENCY_MEMBERS, UNIT_ROLES, Principal, Role
from shared.clock import VN_TZ, Clock
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    OrgDirectoryPublished,
    OrgUnitsSucceeded,
    ViolationRecorded,
    ViolationResolved,
)
from shared.db import Database
from shared.directory_copy import replace_units
from shared.domain import Changed
from shared.errors import Forbidden, NotFound
from shared.messaging.handlers import EventHandlers, Received
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest
from shared.telemetry import current_traceparent

log = logging.getLogger(__name__)

# Who sees every task of their department (the others: their own unit's).
DEPARTMENT_WIDE = (Role.LEADER, Role.CLERK, Role.INSPECTOR)


def _readable(task: Task | None, task_id: uuid.UUID, user: Principal) -> Task:
    """The task, if the caller may read it: another department's does not exist for
    them (404); another unit's is refused (403)."""
    if task is None or not user.in_agency(task.agency):
        raise NotFound(f"task {task_id} not found")
    if user.has(*DEPARTMENT_WIDE) or user.in_unit(task.agency, task.lead_unit.code):
        return task
    if any(user.in_unit(task.agency, u.code) for u in task.coordinating_units):
        return task  # a coordinating unit reads the task it helps with
    raise Forbidden("Chỉ được xem nhiệm vụ của đơn vị mình.", code="other_unit")


class TaskService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock

    # --- events ----------------------------------------------------------------------

    def event_handlers(self) -> EventHandlers:
        return (
            EventHandlers()
            .on_batch(DirectiveIssued, self.on_directives_issued)
            .on(DirectiveRevoked, self.on_directive_revoked)
            .on(OrgDirectoryPublished, self.on_directory)
            .on(OrgUnitsSucceeded, self.on_units_succeeded)
            .on(ViolationRecorded, self.on_violation_recorded)
            .on(ViolationResolved, self.on_violation_resolved)
        )

    async def on_directives_issued(
        self, session: AsyncSession, received: Sequence[Received[DirectiveIssued]]
    ) -> None:
        """The directives of one consumer batch together: a few statements for all
        their tasks, whatever their number (issue 10)."""
        await repo.record_parents(
            session,
            {
                r.event.directive_id: r.event.parent_directive_id
                for r in received
                if r.event.parent_directive_id is not None
            },
        )
        wanted = [
            (task, r.traceparent)
            for r in received
            for task in expansion.tasks_for_directive(r.event)
        ]
        created = await self._assign_traced(session, wanted)
        log.info("%d directive(s): %d tasks assigned", len(received), len(created))

    async def on_directive_revoked(self, session: AsyncSession, event: DirectiveRevoked) -> None:
        now = self.clock.now()
        because = f"Văn bản {event.reference} bị thu hồi: {event.reason}"
        for task in await repo.find(session, directive_id=event.directive_id, open_only=True):
            await self._save(session, task, task.cancel(now, event.reason, because))

    async def on_directory(self, session: AsyncSession, event: OrgDirectoryPublished) -> None:
        await replace_units(session, units, event.agency, event.units)

    async def on_units_succeeded(self, session: AsyncSession, event: OrgUnitsSucceeded) -> None:
        """Open tasks of a renamed, merged or dissolved unit go to its successor (in
        another agency too, when departments merged); closed ones keep their unit. A
        replay finds them moved already and moves nothing."""
        now, moved = self.clock.now(), 0
        for agency in succession.agencies(event.successions):
            for task in await repo.find(session, agency=agency, open_only=True, lock=True):
                change = task.follow(now, event.effective, event.successions)
                if change is not None:
                    await self._save(session, task, change)
                    moved += 1
        if moved:
            log.info("directory change of %s: %d open tasks transferred", event.agency, moved)

    async def on_violation_recorded(self, session: AsyncSession, event: ViolationRecorded) -> None:
        await self._assign(session, [expansion.remediation_task(event)])

    async def on_violation_resolved(self, session: AsyncSession, event: ViolationResolved) -> None:
        """Verification by the inspection team closes the remediation task if the unit
        has not closed it itself."""
        result = f"Đoàn kiểm tra xác minh đã khắc phục. {event.note}".strip()
        today = event.resolved_at.astimezone(VN_TZ).date()
        for task in await repo.find(session, violation_id=event.violation_id, open_only=True):
            done = task.complete(event.resolved_at, today, result, None)
            await self._save(session, task, done)

    # --- queries ---------------------------------------------------------------------

    async def get(self, task_id: uuid.UUID, user: Principal) -> Task:
        async with self.db.sessions() as session:
            task = await repo.get(session, task_id)
        return _readable(task, task_id, user)

    async def find(
        self,
        user: Principal,
        *,
        agency: str | None = None,
        directive_id: uuid.UUID | None = None,
        unit: str | None = None,
        status: Status | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Task]:
        """The tasks the caller may see: a unit's own for its head and staff, the whole
        department's for its leaders, clerks and inspectors."""
        user.require(*AGENCY_MEMBERS, doing="xem nhiệm vụ")
        own = user.agency_or_refuse()
        if agency and agency != own:
            raise Forbidden(f"Không được xem nhiệm vụ của Sở khác ({agency}).", code="other_agency")
        involving = None
        if not user.has(*DEPARTMENT_WIDE):
            # A unit sees what it leads and what it coordinates (phối hợp) on.
            involving = user.unit or ""  # a unit role without a unit sees nothing
        async with self.db.sessions() as session:
            return await repo.page(
                session,
                page,
                agency=own,
                directive_id=directive_id,
                unit=unit,
                status=status,
                involving_unit=involving,
            )

    # --- commands (the lead unit's own head or staff, except granting extensions) -----

    async def acknowledge(self, task_id: uuid.UUID, by: str | None, user: Principal) -> Task:
        return await self._unit_change(
            task_id,
            user,
            "xác nhận nhiệm vụ",
            lambda t: t.acknowledge(self.clock.now(), by, actor=user.actor),
        )

    async def report_progress(
        self, task_id: uuid.UUID, percent: int, note: str, user: Principal
    ) -> Task:
        return await self._unit_change(
            task_id,
            user,
            "báo cáo tiến độ",
            lambda t: t.report_progress(self.clock.now(), percent, note, actor=user.actor),
        )

    async def complete(
        self, task_id: uuid.UUID, result: str, staff_reached: int | None, user: Principal
    ) -> Task:
        return await self._unit_change(
            task_id,
            user,
            "báo cáo hoàn thành",
            lambda t: t.complete(
                self.clock.now(), self.clock.today(), result, staff_reached, actor=user.actor
            ),
        )

    async def request_extension(
        self, task_id: uuid.UUID, new_due: dt.date, reason: str, user: Principal
    ) -> Task:
        return await self._unit_change(
            task_id,
            user,
            "xin gia hạn",
            lambda t: t.request_extension(self.clock.now(), new_due, reason, actor=user.actor),
        )

    async def grant_extension(
        self, task_id: uuid.UUID, reason: str, new_due: dt.date | None, user: Principal
    ) -> Task:
        user.require(Role.LEADER, doing="gia hạn nhiệm vụ")

        def grant(t: Task) -> Changed[Task]:
            _readable(t, task_id, user)
            return t.grant_extension(self.clock.now(), reason, new_due, actor=user.actor)

        return await self._change(task_id, grant)

    async def _unit_change(
        self,
        task_id: uuid.UUID,
        user: Principal,
        doing: str,
        change: Callable[[Task], Changed[Task]],
    ) -> Task:
        user.require(*UNIT_ROLES, doing=doing)

        def checked(t: Task) -> Changed[Task]:
            if not user.in_agency(t.agency):
                raise NotFound(f"task {task_id} not found")
            if not user.in_unit(t.agency, t.lead_unit.code):
                raise Forbidden(
                    f"Nhiệm vụ do {t.lead_unit.name} chủ trì: chỉ đơn vị đó được {doing}.",
                    code="other_unit",
                )
            return change(t)

        return await self._change(task_id, checked)

    async def scan_overdue(self) -> int:
        """Flag tasks whose deadline has passed and publish `task.overdue` once each.

        Rows are locked with SKIP LOCKED, so several instances can scan at once."""
        today, now = self.clock.today(), self.clock.now()
        flagged = 0
        async with self.db.transaction() as session:
            for task in await repo.find(
                session, not_yet_overdue_on=today, open_only=True, lock=True
            ):
                marked = task.mark_overdue(now, today)
                if marked is not None:
                    await self._assign_next(session, await self._save(session, task, marked))
                    flagged += 1
        if flagged:
            log.info("%d tasks became overdue", flagged)
        return flagged

    # --- the one way a task changes ----------------------------------------------------

    async def _change(self, task_id: uuid.UUID, change: Callable[[Task], Changed[Task]]) -> Task:
        async with self.db.transaction() as session:
            task = await repo.get(session, task_id, lock=True)
            if task is None:
                raise NotFound(f"task {task_id} not found")
            changed = await self._save(session, task, change(task))
            if expansion.closes_occurrence(changed, self.clock.today()):
                await self._assign_next(session, changed)
        return changed

    async def _save(self, session: AsyncSession, before: Task, changed: Changed[Task]) -> Task:
        """Persist a change and stage its events, in the caller's transaction."""
        await repo.save(session, before, changed.state)
        await self.outbox.add(session, *changed.events)
        return changed.state

    async def _assign_next(self, session: AsyncSession, task: Task) -> None:
        """A closed occurrence of a recurring duty assigns the next one."""
        following = expansion.next_occurrence(task)
        if following is not None:
            await self._assign(session, [following])

    async def _assign(self, session: AsyncSession, new: Sequence[Task]) -> list[Task]:
        traceparent = current_traceparent()
        return await self._assign_traced(session, [(t, traceparent) for t in new])

    async def _assign_traced(
        self, session: AsyncSession, new: Sequence[tuple[Task, str | None]]
    ) -> list[Task]:
        """Add the tasks not yet known (ids are derived, so a redelivery adds none) and
        announce each, in the trace of what caused it.

        The announcements are built while PostgreSQL inserts the tasks: the insert and
        its index updates take about as long as building the events in Python (issue 10),
        and a redelivery, the only case where some are not needed, is rare."""
        if not new:
            return []
        now = self.clock.now()
        # Each task tells the chain of directives it descends from.
        lineages = await repo.lineages(session, {t.directive_id for t, _ in new if t.directive_id})
        # Awaited below in every case (ruff cannot see it through the finally).
        adding = asyncio.create_task(repo.add_new(session, [t for t, _ in new], now))  # noqa: RUF006
        try:
            await asyncio.sleep(0)  # the insert goes out; only Python runs below
            prepared = self.outbox.prepare(
                [
                    (
                        t.assigned(now, lineages.get(t.directive_id, ()) if t.directive_id else ()),
                        cause,
                    )
                    for t, cause in new
                ]
            )
        finally:
            # Never leave the session's connection busy behind an error.
            created = {t.id for t in await adding}
        await self.outbox.stage(
            session, [p for p, (t, _) in zip(prepared, new, strict=True) if t.id in created]
        )
        return [t for t, _ in new if t.id in created]
