"""Handlers of the inspections service: the unit directory in (from Kafka), commands in
(from HTTP), state plus outbox events out, one transaction each."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspections.adapters import repository as repo
from services.inspections.domain.criteria import Criteria
from services.inspections.domain.errors import Invalid
from services.inspections.domain.model import Inspection
from services.inspections.domain.planning import Plan, plan_inspection
from services.inspections.domain.summary import summarize
from services.inspections.domain.values import Result
from services.inspections.domain.violation import Violation
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    Event,
    InspectionCompleted,
    OrgDirectoryPublished,
    ViolationRecorded,
    ViolationResolved,
)
from shared.db import Database
from shared.http import NotFound
from shared.messaging.outbox import Outbox

log = logging.getLogger(__name__)


def completed_event(i: Inspection) -> InspectionCompleted:
    assert i.completed_at is not None
    return InspectionCompleted(
        agency=i.agency,
        inspection_id=i.id,
        title=i.title,
        decision=i.decision.reference,
        period_start=i.period_start,
        period_end=i.period_end,
        completed_at=i.completed_at,
        units=summarize(i),
        violation_ids=tuple(v.id for v in i.violations),
    )


def recorded_event(v: Violation) -> ViolationRecorded:
    return ViolationRecorded(
        agency=v.agency,
        violation_id=v.id,
        inspection_id=v.inspection_id,
        unit=v.unit,
        criterion=v.criterion,
        criterion_title=v.criterion_title,
        area=v.area,
        severity=v.severity,
        description=v.description,
        evidence=v.evidence,
        person=v.person,
        remediation_due=v.remediation_due,
        recorded_at=v.recorded_at,
    )


def resolved_event(v: Violation) -> ViolationResolved:
    assert v.resolved_at is not None and v.on_time is not None
    return ViolationResolved(
        agency=v.agency,
        violation_id=v.id,
        inspection_id=v.inspection_id,
        unit=v.unit,
        area=v.area,
        severity=v.severity,
        resolved_at=v.resolved_at,
        on_time=v.on_time,
        note=v.resolution_note or "",
    )


class InspectionService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock, criteria: Criteria) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.criteria = criteria

    # --- events ----------------------------------------------------------------------

    async def on_directory(self, session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, OrgDirectoryPublished)
        await repo.replace_directory(session, event.agency, event.units)

    def event_handlers(
        self,
    ) -> dict[type[Event], Callable[[AsyncSession, Envelope], Awaitable[None]]]:
        return {OrgDirectoryPublished: self.on_directory}

    # --- commands --------------------------------------------------------------------

    async def plan(self, plan: Plan) -> Inspection:
        async with self.db.transaction() as session:
            # The directory arrives by event: before any has, units cannot be checked
            # and plans are taken as given; once it has, unknown codes are refused.
            known = await repo.agencies(session)
            if known and plan.agency not in known:
                raise Invalid(
                    f"unknown agency '{plan.agency}' (known: {', '.join(sorted(known))})",
                    "agency",
                )
            directory = await repo.directory(session, plan.agency) or None
            inspection = plan_inspection(
                plan, self.criteria, directory, id=uuid.uuid4(), at=self.clock.now()
            )
            await repo.add(session, inspection)
        log.info("inspection %s planned for %s", inspection.id, plan.agency)
        return inspection

    async def _change(
        self, inspection_id: uuid.UUID, change: Callable[[Inspection], Inspection]
    ) -> tuple[Inspection, Inspection]:
        """Load with a row lock, apply, save; the caller adds events in the same
        transaction through `_events`."""
        async with self.db.transaction() as session:
            before = await repo.get(session, inspection_id, lock=True)
            if before is None:
                raise NotFound(f"inspection {inspection_id} not found")
            after = change(before)
            await repo.save(session, before, after)
            await self.outbox.add(session, *self._events(before, after))
        return before, after

    def _events(self, before: Inspection, after: Inspection) -> list[Event]:
        if before.completed_at is None and after.completed_at is not None:
            return [completed_event(after), *(recorded_event(v) for v in after.violations)]
        old = {v.id: v for v in before.violations}
        return [
            resolved_event(v) for v in after.violations if v.resolved and not old[v.id].resolved
        ]

    async def record_results(self, inspection_id: uuid.UUID, found: Sequence[Result]) -> Inspection:
        today = self.clock.today()
        return (await self._change(inspection_id, lambda i: i.record(found, today)))[1]

    async def complete(self, inspection_id: uuid.UUID) -> Inspection:
        now = self.clock.now()
        return (await self._change(inspection_id, lambda i: i.complete(now)))[1]

    async def verify(self, violation_id: uuid.UUID, note: str) -> Violation:
        async with self.db.sessions() as session:
            inspection_id = await repo.inspection_of(session, violation_id)
        if inspection_id is None:
            raise NotFound(f"violation {violation_id} not found")
        now = self.clock.now()
        _, after = await self._change(inspection_id, lambda i: i.verify(violation_id, now, note))
        return after.violation(violation_id)
