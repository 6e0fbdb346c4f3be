"""Commands on reports: build (JSON, DOCX), reminders, submission, province view."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert

from services.reporting.adapters.tables import reminders_sent, submissions
from services.reporting.domain import obligations as ob
from services.reporting.domain.annual import build_annual_report
from services.reporting.adapters.docx.report import write_docx
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.periods import local_date, year_period
from services.reporting.domain.rollup import province_rollup
from services.reporting.domain.text import fold
from services.reporting.handlers import ReportingStore
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    ReportDue,
    ReportSubmitted,
)
from shared.http import MAX_YEAR, MIN_YEAR, Conflict

log = logging.getLogger(__name__)


class Reports:
    def __init__(self, store: ReportingStore, reminder_days: Sequence[int]) -> None:
        self.store = store
        self.reminder_days = tuple(sorted(set(reminder_days), reverse=True))

    async def annual(self, agency: str, year: int) -> AnnualReport:
        info = await self.store.agency(agency)
        facts = await self.store.facts(agency)
        # Dated by the clock, but never later than the data cut-off: a finished year's
        # report is then the same JSON whenever (and after whatever rebuild) it is made.
        dated = min(self.store.now(), year_period(year).cutoff)
        report = build_annual_report(
            info, year, facts, await self.store.narrative(agency, year), dated
        )
        # The offsets of everything the read model holds: what this report covers.
        # Sorted, so the JSON is byte-for-byte the same after a rebuild.
        offsets = await self.store.offsets()
        covered = {
            topic: {str(p): offsets[topic][p] for p in sorted(offsets[topic])}
            for topic in sorted(offsets)
        }
        return report.model_copy(update={"offsets": covered})

    async def docx(self, agency: str, year: int) -> bytes:
        buffer = io.BytesIO()
        write_docx(await self.annual(agency, year), buffer)
        return buffer.getvalue()

    async def submit(self, agency: str, year: int) -> ReportSubmitted:
        report = await self.annual(agency, year)
        now = self.store.now()
        due = await self._deadline(agency, year)
        event = ReportSubmitted(
            agency=agency,
            report_id=f"{agency}/{year}",
            year=year,
            province=report.province,
            submitted_at=now,
            on_time=local_date(now) <= due,
            report=report.model_dump(mode="json"),
        )
        async with self.store.db.transaction() as session:
            inserted = await session.execute(
                insert(submissions)
                .values(agency=agency, year=year, submitted_at=now)
                .on_conflict_do_nothing()
                .returning(submissions.c.agency)
            )
            if inserted.first() is None:
                raise Conflict(f"the {year} report of {agency} was already submitted")
            await self.store.outbox.add(session, event)
        return event

    async def _deadline(self, agency: str, year: int) -> dt.date:
        """The agency's obligation falling due for this reporting year, else 15/12."""
        for obligation, _ in await self._obligations(agency):
            occurrence = ob.next_occurrence(obligation, dt.date(year, 1, 1))
            due = ob.occurrence_due(obligation, occurrence)
            if ob.reporting_year(due) == year:
                return due
        return dt.date(year, 12, 15)

    async def _obligations(self, agency: str | None = None) -> list[tuple[ob.Obligation, dt.date]]:
        found = await self.store.facts(agency, (DirectiveIssued.ce_type, DirectiveRevoked.ce_type))
        revoked = {f.event.directive_id for f in found if isinstance(f.event, DirectiveRevoked)}
        out = []
        for fact in found:
            event = fact.event
            if isinstance(event, DirectiveIssued) and event.directive_id not in revoked:
                issued_on = event.content.date or local_date(event.issued_at)
                out += [(o, issued_on) for o in ob.obligations_of(event)]
        return out

    async def scan_reminders(self) -> int:
        """Send the `report.due` reminders that have come due; each key once."""
        today = self.store.clock.today()
        if not MIN_YEAR <= today.year <= MAX_YEAR:
            # Reports exist for the platform's years only; a clock moved far outside
            # them (the demo's PUT /v1/clock) has nothing to remind of, and the date
            # arithmetic below would overflow date.min/date.max.
            log.warning("clock at %s, outside %d-%d: no reminders", today, MIN_YEAR, MAX_YEAR)
            return 0
        horizon = today + dt.timedelta(days=max(self.reminder_days, default=0))
        submitted = {
            (f.event.agency, f.event.year)
            for f in await self.store.facts(types=(ReportSubmitted.ce_type,))
            if isinstance(f.event, ReportSubmitted)
        }
        async with self.store.db.sessions() as session:
            sent_rows = (await session.execute(reminders_sent.select())).mappings().all()
        sent: dict[tuple[Any, dt.date], set[str]] = {}
        for row in sent_rows:
            sent.setdefault((row["obligation_id"], row["due_date"]), set()).add(row["key"])
        published = 0
        for obligation, issued_on in await self._obligations():
            start = max(issued_on, today - dt.timedelta(days=400))
            occurrence = ob.next_occurrence(obligation, start)
            while (due := ob.occurrence_due(obligation, occurrence)) <= horizon:
                year = ob.reporting_year(due)
                for reminder in ob.reminders_to_send(
                    due,
                    today,
                    sent.get((obligation.obligation_id, due), set()),
                    (obligation.agency, year) in submitted,
                    self.reminder_days,
                ):
                    published += await self._send(obligation, due, year, reminder)
                occurrence += 1
        return published

    async def _send(
        self, obligation: ob.Obligation, due: dt.date, year: int, reminder: ob.Reminder
    ) -> int:
        async with self.store.db.transaction() as session:
            inserted = await session.execute(
                insert(reminders_sent)
                .values(
                    obligation_id=obligation.obligation_id,
                    due_date=due,
                    key=reminder.key,
                    sent_at=self.store.now(),
                )
                .on_conflict_do_nothing()
                .returning(reminders_sent.c.key)
            )
            if inserted.first() is None or reminder.kind == "skipped":
                return 0
            await self.store.outbox.add(
                session,
                ReportDue(
                    agency=obligation.agency,
                    obligation_id=obligation.obligation_id,
                    directive_id=obligation.directive_id,
                    directive_reference=obligation.directive_reference,
                    responsible_unit=obligation.responsible_unit,
                    title=obligation.title,
                    year=year,
                    due_date=due,
                    kind="overdue" if reminder.kind == "overdue" else "reminder",
                    days_before=reminder.days_before,
                    at=self.store.now(),
                ),
            )
        log.info("report.due %s for %s (due %s)", reminder.key, obligation.agency, due)
        return 1

    async def reminders(self, agency: str | None) -> list[dict[str, Any]]:
        found = await self.store.facts(agency, (ReportDue.ce_type,))
        return [{"event_id": f.event_id, **f.event.model_dump(mode="json")} for f in found]

    async def province(self, province: str, year: int) -> dict[str, Any]:
        found = await self.store.facts(types=(ReportSubmitted.ce_type,))
        mine = [
            f.event.model_dump(mode="json")
            for f in found
            if isinstance(f.event, ReportSubmitted)
            and f.event.year == year
            and fold(f.event.province) == fold(province)
        ]
        return province_rollup(province, year, mine)
