"""Handlers of the tasks service: events in (from Kafka), commands in (from HTTP),
state plus outbox events out, one transaction each.

The task aggregate decides both the new state and the events (`Changed`); a handler
loads, applies, saves the state and stages the events in the same transaction."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.tasks.adapters import repository as repo
from services.tasks.adapters.tables import units
from services.tasks.domain import expansion
from services.tasks.domain.model import Status, Task
from shared.clock import VN_TZ, Clock
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    OrgDirectoryPublished,
    ViolationRecorded,
    ViolationResolved,
)
from shared.db import Database
from shared.directory_copy import replace_units
from shared.domain import Changed
from shared.errors import NotFound
from shared.messaging.handlers import EventHandlers
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest

log = logging.getLogger(__name__)


class TaskService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock

    # --- events ----------------------------------------------------------------------

    def event_handlers(self) -> EventHandlers:
        return (
            EventHandlers()
            .on(DirectiveIssued, self.on_directive_issued)
            .on(DirectiveRevoked, self.on_directive_revoked)
            .on(OrgDirectoryPublished, self.on_directory)
            .on(ViolationRecorded, self.on_violation_recorded)
            .on(ViolationResolved, self.on_violation_resolved)
        )

    async def on_directive_issued(self, session: AsyncSession, event: DirectiveIssued) -> None:
        created = await self._assign(session, expansion.tasks_for_directive(event))
        log.info("directive %s: %d tasks assigned", event.reference, len(created))

    async def on_directive_revoked(self, session: AsyncSession, event: DirectiveRevoked) -> None:
        now = self.clock.now()
        because = f"Văn bản {event.reference} bị thu hồi: {event.reason}"
        for task in await repo.find(session, directive_id=event.directive_id, open_only=True):
            await self._save(session, task, task.cancel(now, event.reason, because))

    async def on_directory(self, session: AsyncSession, event: OrgDirectoryPublished) -> None:
        await replace_units(session, units, event.agency, event.units)

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

    async def get(self, task_id: uuid.UUID) -> Task:
        async with self.db.sessions() as session:
            task = await repo.get(session, task_id)
        if task is None:
            raise NotFound(f"task {task_id} not found")
        return task

    async def find(
        self,
        *,
        agency: str | None = None,
        directive_id: uuid.UUID | None = None,
        unit: str | None = None,
        status: Status | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Task]:
        async with self.db.sessions() as session:
            return await repo.page(
                session, page, agency=agency, directive_id=directive_id, unit=unit, status=status
            )

    # --- commands --------------------------------------------------------------------

    async def acknowledge(self, task_id: uuid.UUID, by: str | None) -> Task:
        return await self._change(task_id, lambda t: t.acknowledge(self.clock.now(), by))

    async def report_progress(self, task_id: uuid.UUID, percent: int, note: str) -> Task:
        return await self._change(
            task_id, lambda t: t.report_progress(self.clock.now(), percent, note)
        )

    async def complete(self, task_id: uuid.UUID, result: str, staff_reached: int | None) -> Task:
        return await self._change(
            task_id,
            lambda t: t.complete(self.clock.now(), self.clock.today(), result, staff_reached),
        )

    async def request_extension(self, task_id: uuid.UUID, new_due: dt.date, reason: str) -> Task:
        return await self._change(
            task_id, lambda t: t.request_extension(self.clock.now(), new_due, reason)
        )

    async def grant_extension(
        self, task_id: uuid.UUID, reason: str, new_due: dt.date | None
    ) -> Task:
        return await self._change(
            task_id, lambda t: t.grant_extension(self.clock.now(), reason, new_due)
        )

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
        """Add the tasks not yet known (ids are derived, so a redelivery adds none) and
        announce each."""
        now = self.clock.now()
        created = await repo.add_new(session, new, now)
        await self.outbox.add(session, *(t.assigned(now) for t in created))
        return created
