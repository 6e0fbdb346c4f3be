"""Handlers of the tasks service: events in (from Kafka), commands in (from HTTP),
state plus outbox events out, one transaction each."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from services.tasks.adapters import repository as repo
from services.tasks.adapters.tables import units
from services.tasks.domain import expansion
from services.tasks.domain.model import Task
from shared.clock import VN_TZ, Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    Event,
    OrgDirectoryPublished,
    TaskAcknowledged,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskExtensionGranted,
    TaskExtensionRequested,
    TaskOverdue,
    TaskProgressReported,
    ViolationRecorded,
    ViolationResolved,
)
from shared.db import Database
from shared.directory_copy import replace_units
from shared.http import NotFound
from shared.messaging.outbox import Outbox

log = logging.getLogger(__name__)


def assigned_event(task: Task, at: dt.datetime) -> TaskAssigned:
    return TaskAssigned(
        agency=task.agency,
        task_id=task.id,
        directive_id=task.directive_id,
        lead_unit=task.lead_unit,
        at=at,
        directive_reference=task.directive_reference,
        assignment_index=task.assignment_index,
        violation_id=task.violation_id,
        occurrence=task.occurrence,
        coordinating_units=task.coordinating_units,
        action=task.action,
        deadline=task.deadline,
        due_date=task.due_date,
    )


class TaskService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock

    def _base(self, task: Task) -> dict[str, object]:
        return {
            "agency": task.agency,
            "task_id": task.id,
            "directive_id": task.directive_id,
            "lead_unit": task.lead_unit,
            "at": self.clock.now(),
        }

    # --- events ----------------------------------------------------------------------

    async def on_directive_issued(self, session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, DirectiveIssued)
        now = self.clock.now()
        created = await repo.add_new(session, expansion.tasks_for_directive(event), now)
        await self.outbox.add(session, *(assigned_event(t, now) for t in created))
        log.info("directive %s: %d tasks assigned", event.reference, len(created))

    async def on_directive_revoked(self, session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, DirectiveRevoked)
        now = self.clock.now()
        for task in await repo.find(session, directive_id=event.directive_id, open_only=True):
            cancelled = task.cancel(now, f"Văn bản {event.reference} bị thu hồi: {event.reason}")
            await repo.save(session, task, cancelled)
            await self.outbox.add(session, TaskCancelled(**self._base(task), reason=event.reason))

    async def on_directory(self, session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, OrgDirectoryPublished)
        await replace_units(session, units, event.agency, event.units)

    async def on_violation_recorded(self, session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, ViolationRecorded)
        now = self.clock.now()
        created = await repo.add_new(session, [expansion.remediation_task(event)], now)
        await self.outbox.add(session, *(assigned_event(t, now) for t in created))

    async def on_violation_resolved(self, session: AsyncSession, envelope: Envelope) -> None:
        """Verification by the inspection team closes the remediation task if the unit
        has not closed it itself."""
        event = envelope.event
        assert isinstance(event, ViolationResolved)
        for task in await repo.find(session, violation_id=event.violation_id, open_only=True):
            result = f"Đoàn kiểm tra xác minh đã khắc phục. {event.note}".strip()
            today = event.resolved_at.astimezone(VN_TZ).date()
            done = task.complete(event.resolved_at, today, result, None)
            assert done.on_time is not None
            await repo.save(session, task, done)
            await self.outbox.add(
                session,
                TaskCompleted(
                    **self._base(task), result=result, on_time=done.on_time, due_date=task.due_date
                ),
            )

    def event_handlers(
        self,
    ) -> dict[type[Event], Callable[[AsyncSession, Envelope], Awaitable[None]]]:
        return {
            DirectiveIssued: self.on_directive_issued,
            DirectiveRevoked: self.on_directive_revoked,
            OrgDirectoryPublished: self.on_directory,
            ViolationRecorded: self.on_violation_recorded,
            ViolationResolved: self.on_violation_resolved,
        }

    # --- commands --------------------------------------------------------------------

    async def _change(
        self, task_id: uuid.UUID, change: Callable[[Task], tuple[Task, Event]]
    ) -> Task:
        async with self.db.transaction() as session:
            task = await repo.get(session, task_id, lock=True)
            if task is None:
                raise NotFound(f"task {task_id} not found")
            changed, event = change(task)
            await repo.save(session, task, changed)
            await self.outbox.add(session, event)
            if expansion.closes_occurrence(changed, self.clock.today()):
                await self._assign_next(session, changed)
        return changed

    async def acknowledge(self, task_id: uuid.UUID, by: str | None) -> Task:
        def change(t: Task) -> tuple[Task, Event]:
            return t.acknowledge(self.clock.now(), by), TaskAcknowledged(**self._base(t), by=by)

        return await self._change(task_id, change)

    async def report_progress(self, task_id: uuid.UUID, percent: int, note: str) -> Task:
        def change(t: Task) -> tuple[Task, Event]:
            return (
                t.report_progress(self.clock.now(), percent, note),
                TaskProgressReported(**self._base(t), percent=percent, note=note),
            )

        return await self._change(task_id, change)

    async def complete(self, task_id: uuid.UUID, result: str, staff_reached: int | None) -> Task:
        def change(t: Task) -> tuple[Task, Event]:
            done = t.complete(self.clock.now(), self.clock.today(), result, staff_reached)
            assert done.on_time is not None
            return done, TaskCompleted(
                **self._base(t),
                result=result,
                on_time=done.on_time,
                due_date=t.due_date,
                staff_reached=staff_reached,
            )

        return await self._change(task_id, change)

    async def request_extension(self, task_id: uuid.UUID, new_due: dt.date, reason: str) -> Task:
        def change(t: Task) -> tuple[Task, Event]:
            return (
                t.request_extension(self.clock.now(), new_due, reason),
                TaskExtensionRequested(**self._base(t), requested_due_date=new_due, reason=reason),
            )

        return await self._change(task_id, change)

    async def grant_extension(
        self, task_id: uuid.UUID, reason: str, new_due: dt.date | None
    ) -> Task:
        def change(t: Task) -> tuple[Task, Event]:
            granted = t.grant_extension(self.clock.now(), reason, new_due)
            assert granted.due_date is not None
            return granted, TaskExtensionGranted(
                **self._base(t),
                previous_due_date=t.due_date,
                new_due_date=granted.due_date,
                reason=reason,
            )

        return await self._change(task_id, change)

    # --- overdue -----------------------------------------------------------------------

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
                if marked is None:
                    continue
                assert task.due_date is not None
                await repo.save(session, task, marked)
                await self.outbox.add(
                    session,
                    TaskOverdue(
                        **self._base(task), due_date=task.due_date, occurrence=task.occurrence
                    ),
                )
                await self._assign_next(session, marked)
                flagged += 1
        if flagged:
            log.info("%d tasks became overdue", flagged)
        return flagged

    async def _assign_next(self, session: AsyncSession, task: Task) -> None:
        following = expansion.next_occurrence(task)
        if following is None:
            return
        now = self.clock.now()
        created = await repo.add_new(session, [following], now)
        await self.outbox.add(session, *(assigned_event(t, now) for t in created))
