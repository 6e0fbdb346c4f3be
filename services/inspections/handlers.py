"""Handlers of the inspections service: the unit directory in (from Kafka), commands in
(from HTTP), state plus outbox events out, one transaction each.

The inspection aggregate decides both the new state and the events (`Changed`); a
handler loads with a row lock, applies, saves the state and stages the events."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.inspections.adapters import repository as repo
from services.inspections.domain.criteria import Criteria
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.planning import Plan, plan_inspection
from services.inspections.domain.values import Result
from services.inspections.domain.violation import Violation
from shared.clock import Clock
from shared.contracts.events import OrgDirectoryPublished
from shared.db import Database
from shared.domain import Changed
from shared.errors import InvalidField, NotFound
from shared.messaging.handlers import EventHandlers
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest

log = logging.getLogger(__name__)


class InspectionService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock, criteria: Criteria) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.criteria = criteria

    # --- events ----------------------------------------------------------------------

    def event_handlers(self) -> EventHandlers:
        return EventHandlers().on(OrgDirectoryPublished, self.on_directory)

    async def on_directory(self, session: AsyncSession, event: OrgDirectoryPublished) -> None:
        await repo.replace_directory(session, event.agency, event.units)

    # --- queries ---------------------------------------------------------------------

    async def get(self, inspection_id: uuid.UUID) -> Inspection:
        async with self.db.sessions() as session:
            found = await repo.get(session, inspection_id)
        if found is None:
            raise NotFound(f"inspection {inspection_id} not found")
        return found

    async def find(
        self,
        *,
        agency: str | None = None,
        status: Status | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Inspection]:
        async with self.db.sessions() as session:
            return await repo.find(session, page, agency=agency, status=status)

    async def find_violations(
        self,
        *,
        agency: str | None = None,
        unit: str | None = None,
        resolved: bool | None = None,
        inspection_id: uuid.UUID | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Violation]:
        async with self.db.sessions() as session:
            return await repo.find_violations(
                session,
                page,
                agency=agency,
                unit=unit,
                resolved=resolved,
                inspection_id=inspection_id,
            )

    # --- commands --------------------------------------------------------------------

    async def plan(self, plan: Plan) -> Inspection:
        async with self.db.transaction() as session:
            # The directory arrives by event: before any has, units cannot be checked
            # and plans are taken as given; once it has, unknown codes are refused.
            known = await repo.agencies(session)
            if known and plan.agency not in known:
                raise InvalidField(
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

    async def record_results(self, inspection_id: uuid.UUID, found: Sequence[Result]) -> Inspection:
        today = self.clock.today()
        return await self._change(inspection_id, lambda i: i.record(found, today))

    async def complete(self, inspection_id: uuid.UUID) -> Inspection:
        now = self.clock.now()
        return await self._change(inspection_id, lambda i: i.complete(now))

    async def verify(self, violation_id: uuid.UUID, note: str) -> Violation:
        async with self.db.sessions() as session:
            inspection_id = await repo.inspection_of(session, violation_id)
        if inspection_id is None:
            raise NotFound(f"violation {violation_id} not found")
        now = self.clock.now()
        after = await self._change(inspection_id, lambda i: i.verify(violation_id, now, note))
        return after.violation(violation_id)

    # --- the one way an inspection changes ---------------------------------------------

    async def _change(
        self, inspection_id: uuid.UUID, change: Callable[[Inspection], Changed[Inspection]]
    ) -> Inspection:
        async with self.db.transaction() as session:
            before = await repo.get(session, inspection_id, lock=True)
            if before is None:
                raise NotFound(f"inspection {inspection_id} not found")
            changed = change(before)
            await repo.save(session, before, changed.state)
            await self.outbox.add(session, *changed.events)
        return changed.state
