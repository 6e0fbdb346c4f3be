"""Handlers of the reporting service: every public event in (from Kafka) becomes a fact;
commands in (from HTTP and the reminder scan), state plus outbox events out, one
transaction each. The report itself is a pure function of the facts
(`domain.annual.build_annual_report`); this module fetches the facts and stores what is
kept beside them (narratives, reminders sent, submissions)."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters import repository as repo
from services.reporting.adapters.docx import write_docx
from services.reporting.domain import obligations as ob
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.facts import AgencyInfo, Fact
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.narrative import SECTION_KEYS
from services.reporting.domain.periods import local_date, year_period
from services.reporting.domain.rollup import province_rollup
from services.reporting.domain.text import fold
from shared import metrics
from shared.auth import AGENCY_MEMBERS, UNIT_ROLES, Principal, Role
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    ALL_EVENTS,
    PUBLIC_TOPICS,
    Event,
    OrgDirectoryPublished,
    ReportDue,
    ReportSubmitted,
)
from shared.contracts.values import UnitKind
from shared.db import Database
from shared.errors import Conflict, Forbidden, InvalidField, NotFound
from shared.http import MAX_YEAR, MIN_YEAR
from shared.messaging.handlers import EventHandlers
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest

log = logging.getLogger(__name__)


def _in_department(user: Principal, agency: str, doing: str) -> None:
    """Someone of no department (the province's reader, an operator) may not change a
    report (403, though the reader may read it); another department's does not exist."""
    if user.agency is None:
        raise Forbidden(f"Tài khoản không thuộc Sở nào: không được {doing}.", code="role_required")
    if not user.in_agency(agency):
        raise NotFound(f"no report of agency {agency!r} for you")


def _leader_of(user: Principal, agency: str, doing: str) -> None:
    """Only the department's leaders act on its report."""
    _in_department(user, agency, doing)
    user.require(Role.LEADER, doing=doing)


CONSUMER = "reporting"

# Reads every public topic from its start and feeds the envelopes, in batches, to the
# sink; returns how many (Kafka in the service: `adapters.replay.replay`).
Replay = Callable[[Sequence[str], Callable[[list[Envelope]], Awaitable[None]]], Awaitable[int]]


class ReportingService:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        clock: Clock,
        replay: Replay,
        reminder_days: Sequence[int] = (30, 7, 1),
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.replay = replay
        self.reminder_days = tuple(sorted(set(reminder_days), reverse=True))

    # --- events ----------------------------------------------------------------------

    def event_handlers(self) -> EventHandlers:
        # A fact keeps the event's id, topic, partition and offset: the whole envelope.
        return EventHandlers().on_envelope(ALL_EVENTS, self.on_event)

    async def on_event(self, session: AsyncSession, envelope: Envelope) -> None:
        await repo.add(session, [repo.fact_row(envelope)])
        await repo.track_obligations(session, [envelope.event])

    # --- queries ---------------------------------------------------------------------

    async def agency(self, code: str, on: dt.date | None = None) -> AgencyInfo:
        """The agency and its units as its directory stood on `on` (today's when None)."""
        async with self.db.sessions() as session:
            found = await repo.latest_directory(session, code, on)
        if found is None or not isinstance(e := found.event, OrgDirectoryPublished):
            raise NotFound(f"no unit directory of agency {code!r} has been published")
        return AgencyInfo(e.agency, e.agency_name, e.short_name, e.province, e.units)

    async def facts(self, agency: str | None = None, types: tuple[str, ...] = ()) -> list[Fact]:
        async with self.db.sessions() as session:
            return await repo.load(session, agency=agency, types=types)

    async def readable_report(self, agency: str, year: int, user: Principal) -> AnnualReport:
        """A report as the caller may read it: the department's own members, or the
        province's reader once it was submitted; anyone else finds nothing."""
        if user.in_agency(agency) and user.has(*AGENCY_MEMBERS):
            return await self.annual(agency, year)
        if user.has(Role.PROVINCE_READER):
            async with self.db.sessions() as session:
                submitted = (agency, year) in await repo.submitted(session, since_year=year)
            if submitted:
                report = await self.annual(agency, year)
                # A province's reader reads its own province's departments only.
                if user.province is None or fold(user.province) == fold(report.province):
                    return report
        raise NotFound(f"no {year} report of agency {agency!r} for you")

    @metrics.timed(metrics.report_build)
    async def annual(self, agency: str, year: int) -> AnnualReport:
        period = year_period(year)
        # The units and names of the report's year, not of a later reorganisation.
        info = await self.agency(agency, period.end)
        async with self.db.sessions() as session:
            facts = await repo.load_year(session, agency, period)
            narrative = await repo.narrative(session, agency, year)
            offsets, held = await repo.positions(session, agency)
        # Dated by the clock, but never later than the data cut-off: a finished year's
        # report is then the same JSON whenever (and after whatever rebuild) it is made.
        dated = min(self.clock.now(), period.cutoff)
        report = build_annual_report(info, year, facts, narrative, dated)
        # What the read model holds: the offsets of everything in it, and how many of
        # the agency's events. Sorted, so the JSON is byte-for-byte the same after a
        # rebuild.
        covered = {
            topic: {str(p): offsets[topic][p] for p in sorted(offsets[topic])}
            for topic in sorted(offsets)
        }
        return report.model_copy(update={"offsets": covered, "event_count": held})

    async def docx(self, agency: str, year: int, user: Principal) -> bytes:
        buffer = io.BytesIO()
        write_docx(await self.readable_report(agency, year, user), buffer)
        return buffer.getvalue()

    async def reminders(
        self, agency: str | None, user: Principal, page: PageRequest = FIRST_PAGE
    ) -> Page[dict[str, Any]]:
        user.require(*AGENCY_MEMBERS, doing="xem nhắc hạn báo cáo")
        own = user.agency_or_refuse()
        if agency and agency != own:
            raise Forbidden(f"Không được xem nhắc hạn của Sở khác ({agency}).", code="other_agency")
        async with self.db.sessions() as session:
            found = await repo.load_page(session, page, agency=own, types=[ReportDue.ce_type])
        items = [{"event_id": f.event_id, **f.event.model_dump(mode="json")} for f in found.items]
        return Page(items, found.next_key)

    async def province(self, province: str, year: int, user: Principal) -> dict[str, Any]:
        user.require(Role.PROVINCE_READER, doing="xem tổng hợp báo cáo của tỉnh")
        if user.province and fold(user.province) != fold(province):
            raise Forbidden(
                f"Chỉ được xem báo cáo của tỉnh {user.province}.", code="other_province"
            )
        async with self.db.sessions() as session:
            found = await repo.submitted_reports(session, year)
        mine = [e.model_dump(mode="json") for e in found if fold(e.province) == fold(province)]
        return province_rollup(province, year, mine)

    # --- commands --------------------------------------------------------------------

    async def edit_narrative(
        self, agency: str, year: int, sections: Mapping[str, str], user: Principal
    ) -> AnnualReport:
        """The leader, or the department's Office (which drafts the report for the
        leader to sign: the yearly report duty of the seed letter is the Office's)."""
        _in_department(user, agency, "viết báo cáo năm")
        info = await self.agency(agency)
        office = {u.code for u in info.units if u.kind is UnitKind.OFFICE}
        if not (user.has(Role.LEADER) or (user.has(*UNIT_ROLES) and user.unit in office)):
            raise Forbidden(
                "Chỉ lãnh đạo Sở hoặc Văn phòng được viết báo cáo năm.", code="role_required"
            )
        unknown = sorted(set(sections) - set(SECTION_KEYS))
        if unknown:
            raise InvalidField(
                f"unknown section(s) {', '.join(unknown)}; use {', '.join(SECTION_KEYS)}",
                "sections",
            )
        async with self.db.transaction() as session:
            await repo.merge_narrative(session, agency, year, sections, self.clock.now())
        return await self.annual(agency, year)

    async def submit(self, agency: str, year: int, user: Principal) -> ReportSubmitted:
        _leader_of(user, agency, "gửi báo cáo năm")
        report = await self.annual(agency, year)
        now = self.clock.now()
        due = await self._deadline(agency, year)
        event = ReportSubmitted(
            agency=agency,
            report_id=f"{agency}/{year}",
            year=year,
            province=report.province,
            submitted_at=now,
            on_time=local_date(now) <= due,
            report=report.model_dump(mode="json"),
            actor=user.actor,
        )
        async with self.db.transaction() as session:
            if not await repo.record_submission(session, agency, year, now):
                raise Conflict(f"the {year} report of {agency} was already submitted")
            await self.outbox.add(session, event)
        return event

    async def rebuild(self) -> dict[str, int]:
        """Drop the read model and replay every public topic into it."""
        async with self.db.transaction() as session:
            await repo.drop_read_model(session, CONSUMER)

        def sink(envelopes: list[Envelope]) -> Awaitable[None]:
            # The records are built in the call, which the replay makes while the
            # previous batch is being stored: this core builds, PostgreSQL stores.
            return store([repo.fact_record(e) for e in envelopes], [e.event for e in envelopes])

        async def store(records: list[tuple[Any, ...]], events: list[Event]) -> None:
            async with self.db.transaction() as session:
                await repo.copy_in(session, records)
                await repo.track_obligations(session, events)

        replayed = await self.replay(PUBLIC_TOPICS, sink)
        async with self.db.sessions() as session:
            stored = await repo.count(session)
        log.info("read model rebuilt: %d events replayed, %d facts", replayed, stored)
        return {"replayed": replayed, "facts": stored}

    async def scan_reminders(self) -> int:
        """Send the `report.due` reminders that have come due; each key once."""
        today = self.clock.today()
        if not MIN_YEAR <= today.year <= MAX_YEAR:
            # Reports exist for the platform's years only; a clock moved far outside
            # them (the demo's PUT /v1/clock) has nothing to remind of, and the date
            # arithmetic below would overflow date.min/date.max.
            log.warning("clock at %s, outside %d-%d: no reminders", today, MIN_YEAR, MAX_YEAR)
            return 0
        horizon = today + dt.timedelta(days=max(self.reminder_days, default=0))
        # Only the duties whose bookmark (first due date that may still need a
        # reminder) is within the horizon, and occurrences due from 400 days back at
        # most: the cost follows what is due, not the years of directives.
        since = today - dt.timedelta(days=400)
        async with self.db.sessions() as session:
            due_soon = await repo.obligations_in_force(session, due_by=horizon)
            # Submitted: as its event came back (any instance, any time) or as recorded
            # here by `submit` in the same transaction as that event, before it
            # returns: a report submitted a second ago is not reminded of, let alone
            # called late.
            submitted = {
                (e.agency, e.year)
                for year in range(ob.reporting_year(since), ob.reporting_year(horizon) + 1)
                for e in await repo.submitted_reports(session, year)
            }
            submitted |= await repo.submitted(session, since_year=ob.reporting_year(since))
            sent = await repo.reminders_sent_by_due(
                session, [o.obligation_id for o, _, _ in due_soon], since
            )
        published = 0
        for obligation, issued_on, bookmark in due_soon:
            occurrence = ob.next_occurrence(obligation, max(issued_on, bookmark, since))
            pending: dt.date | None = None
            while (due := ob.occurrence_due(obligation, occurrence)) <= horizon:
                year = ob.reporting_year(due)
                is_submitted = (obligation.agency, year) in submitted
                for reminder in ob.reminders_to_send(
                    due,
                    today,
                    sent.get((obligation.obligation_id, due), set()),
                    is_submitted,
                    self.reminder_days,
                ):
                    published += await self._send(obligation, due, year, reminder)
                # Done with a due date once its report is in or its overdue notice went
                # out (the day after it): the first one not done is the new bookmark.
                if pending is None and not is_submitted and today <= due:
                    pending = due
                occurrence += 1
            if (pending or due) != bookmark:
                async with self.db.transaction() as session:
                    await repo.move_bookmark(session, obligation.obligation_id, pending or due)
        return published

    # --- helpers -----------------------------------------------------------------------

    async def _send(
        self, obligation: ob.Obligation, due: dt.date, year: int, reminder: ob.Reminder
    ) -> int:
        now = self.clock.now()
        async with self.db.transaction() as session:
            fresh = await repo.mark_reminder_sent(
                session, obligation.obligation_id, due, reminder.key, now
            )
            if not fresh or reminder.kind == "skipped":
                return 0
            await self.outbox.add(session, ob.report_due(obligation, due, year, reminder, now))
        log.info("report.due %s for %s (due %s)", reminder.key, obligation.agency, due)
        return 1

    async def _deadline(self, agency: str, year: int) -> dt.date:
        """The agency's obligation falling due for this reporting year, else 15/12."""
        async with self.db.sessions() as session:
            in_force = await repo.obligations_in_force(session, agency=agency)
        for obligation, _, _ in in_force:
            occurrence = ob.next_occurrence(obligation, dt.date(year, 1, 1))
            due = ob.occurrence_due(obligation, occurrence)
            if ob.reporting_year(due) == year:
                return due
        return dt.date(year, 12, 15)
