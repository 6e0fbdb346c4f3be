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
from shared.auth import AGENCY_MEMBERS, Principal, Role
from shared.clock import Clock
from shared.contracts.events import OrgDirectoryPublished
from shared.db import Database
from shared.domain import Changed
from shared.errors import Forbidden, InvalidField, NotFound
from shared.messaging.handlers import EventHandlers
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest

log = logging.getLogger(__name__)


def _own_agency(user: Principal, asked: str | None, doing: str) -> str:
    user.require(*AGENCY_MEMBERS, doing=doing)
    own = user.agency_or_refuse()
    if asked and asked != own:
        raise Forbidden(f"Không được {doing} của Sở khác ({asked}).", code="other_agency")
    return own


def _readable(found: Inspection | None, inspection_id: uuid.UUID, user: Principal) -> Inspection:
    if found is None or not user.in_agency(found.agency):
        raise NotFound(f"inspection {inspection_id} not found")
    user.require(*AGENCY_MEMBERS, doing="xem kết quả kiểm tra")
    return found


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

    async def get(self, inspection_id: uuid.UUID, user: Principal) -> Inspection:
        async with self.db.sessions() as session:
            found = await repo.get(session, inspection_id)
        return _readable(found, inspection_id, user)

    async def find(
        self,
        user: Principal,
        *,
        agency: str | None = None,
        status: Status | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Inspection]:
        own = _own_agency(user, agency, "xem kết quả kiểm tra")
        async with self.db.sessions() as session:
            return await repo.find(session, page, agency=own, status=status)

    async def find_violations(
        self,
        user: Principal,
        *,
        agency: str | None = None,
        unit: str | None = None,
        resolved: bool | None = None,
        inspection_id: uuid.UUID | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Violation]:
        own = _own_agency(user, agency, "xem vi phạm")
        async with self.db.sessions() as session:
            return await repo.find_violations(
                session,
                page,
                agency=own,
                unit=unit,
                resolved=resolved,
                inspection_id=inspection_id,
            )

    # --- commands (the department's inspectors) ---------------------------------------

    async def plan(self, plan: Plan, user: Principal) -> Inspection:
        user.require(Role.INSPECTOR, doing="lập kế hoạch kiểm tra")
        if plan.agency != user.agency_or_refuse():
            raise Forbidden(
                f"Không được lập kế hoạch kiểm tra của Sở khác ({plan.agency}).",
                code="other_agency",
            )
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

    async def record_results(
        self, inspection_id: uuid.UUID, found: Sequence[Result], user: Principal
    ) -> Inspection:
        user.require(Role.INSPECTOR, doing="ghi kết quả kiểm tra")
        today = self.clock.today()
        return await self._change(inspection_id, user, lambda i: i.record(found, today))

    async def complete(self, inspection_id: uuid.UUID, user: Principal) -> Inspection:
        user.require(Role.INSPECTOR, doing="kết thúc cuộc kiểm tra")
        now = self.clock.now()
        return await self._change(inspection_id, user, lambda i: i.complete(now, user.actor))

    async def verify(self, violation_id: uuid.UUID, note: str, user: Principal) -> Violation:
        user.require(Role.INSPECTOR, doing="xác minh khắc phục vi phạm")
        async with self.db.sessions() as session:
            inspection_id = await repo.inspection_of(session, violation_id)
        if inspection_id is None:
            raise NotFound(f"violation {violation_id} not found")
        now = self.clock.now()
        after = await self._change(
            inspection_id, user, lambda i: i.verify(violation_id, now, note, user.actor)
        )
        return after.violation(violation_id)

    # --- the one way an inspection changes ---------------------------------------------

    async def _change(
        self,
        inspection_id: uuid.UUID,
        user: Principal,
        change: Callable[[Inspection], Changed[Inspection]],
    ) -> Inspection:
        async with self.db.transaction() as session:
            before = await repo.get(session, inspection_id, lock=True)
            if before is None or not user.in_agency(before.agency):
                raise NotFound(f"inspection {inspection_id} not found")
            changed = change(before)
            await repo.save(session, before, changed.state)
            await self.outbox.add(session, *changed.events)
        return changed.state
