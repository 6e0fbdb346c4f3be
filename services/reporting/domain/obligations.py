"""Report obligations a directive creates, and when to remind the responsible unit.

An assignment is a report obligation when its deadline recurs and its action asks for
a report ("tổng hợp, báo cáo kết quả ... trước ngày 15/12 hằng năm"). The obligation id
is derived from the directive and the assignment index, so handling the same
`directive.issued` twice yields the same obligation.

Reminders (`reminders_to_send`) are a pure function of the due date, today, the keys
already used and whether the report was submitted; the caller stores the keys it
returns (sent and skipped alike) and passes them back next time. That makes reminders
idempotent: a rerun on the same day sends nothing new.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from services.reporting.domain.periods import period_year
from services.reporting.domain.text import mentions
from shared.contracts.events import DirectiveIssued, ReportDue
from shared.contracts.values import Deadline, DeadlineKind, UnitRef

OBLIGATION_NAMESPACE = uuid.UUID("8d0f6c43-2a7e-4b55-9c1e-5f3b7a90d214")
RECURRING = (DeadlineKind.YEARLY, DeadlineKind.QUARTERLY, DeadlineKind.MONTHLY)
DEFAULT_OFFSETS = (30, 7, 1)


@dataclass(frozen=True)
class Obligation:
    obligation_id: uuid.UUID
    agency: str
    directive_id: uuid.UUID
    directive_reference: str
    index: int
    responsible_unit: UnitRef
    title: str
    deadline: Deadline


def obligation_id(directive_id: uuid.UUID, index: int) -> uuid.UUID:
    return uuid.uuid5(OBLIGATION_NAMESPACE, f"{directive_id}/{index}")


def obligations_of(event: DirectiveIssued) -> list[Obligation]:
    return [
        Obligation(
            obligation_id=obligation_id(event.directive_id, index),
            agency=event.agency,
            directive_id=event.directive_id,
            directive_reference=event.reference,
            index=index,
            responsible_unit=a.lead_unit,
            title=a.action,
            deadline=a.deadline,
        )
        for index, a in enumerate(event.content.assignments)
        if a.deadline.kind in RECURRING and mentions(a.action, "báo cáo")
    ]


def _clamp(year: int, month: int, day: int) -> dt.date:
    """A day past the month's end (29/2 in a common year, 31/6) means its last day."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrence_due(obligation: Obligation, occurrence: int) -> dt.date:
    """Due date of one occurrence, numbered as `TaskAssigned.occurrence` numbers them:
    the year (yearly), year*4+quarter-1 (quarterly), year*12+month-1 (monthly). A
    quarterly or monthly deadline without a day means the last day of the month."""
    d = obligation.deadline
    if d.kind is DeadlineKind.YEARLY:
        if d.day is None or d.month is None:
            raise ValueError("a yearly deadline needs a day and a month")
        return _clamp(occurrence, d.month, d.day)
    if d.kind is DeadlineKind.QUARTERLY:
        year, quarter = divmod(occurrence, 4)
        return _clamp(year, quarter * 3 + 3, d.day or 31)
    if d.kind is DeadlineKind.MONTHLY:
        year, month = divmod(occurrence, 12)
        return _clamp(year, month + 1, d.day or 31)
    raise ValueError(f"{d.kind} deadlines do not recur")


def next_occurrence(obligation: Obligation, on_or_after: dt.date) -> int:
    """The first occurrence due on or after a date (the one to remind about)."""
    kind = obligation.deadline.kind
    if kind is DeadlineKind.YEARLY:
        candidate = on_or_after.year - 1
    elif kind is DeadlineKind.QUARTERLY:
        candidate = on_or_after.year * 4 + (on_or_after.month - 1) // 3 - 1
    else:
        candidate = on_or_after.year * 12 + on_or_after.month - 2
    while occurrence_due(obligation, candidate) < on_or_after:
        candidate += 1
    return candidate


def reporting_year(due_date: dt.date) -> int:
    """The year an occurrence reports on: the period its day before falls in, so a
    report due 15/12/2020 (the first day of the 2021 period) is the 2020 report."""
    return period_year(due_date - dt.timedelta(days=1))


@dataclass(frozen=True)
class Reminder:
    kind: Literal["reminder", "overdue", "skipped"]
    days_before: int | None
    key: str


def reminders_to_send(
    due_date: dt.date,
    today: dt.date,
    already_sent: Iterable[str],
    submitted: bool,
    offsets: Iterable[int] = DEFAULT_OFFSETS,
) -> list[Reminder]:
    """What to do today. Returns the reminder to send (at most one) and, when the clock
    jumped past several reminder days at once, the older ones with kind "skipped": the
    caller records their keys like sent ones so they are never sent later (a 30-day
    reminder after the 1-day one would mislead). "overdue" comes once, the day after
    the due date at the earliest. Nothing at all once the report is submitted."""
    if submitted:
        return []
    used = set(already_sent)
    steps = tuple(offsets)
    if today > due_date:
        return [] if "overdue" in used else [Reminder("overdue", None, "overdue")]
    used_offsets = [n for n in steps if f"before-{n}" in used]
    # A reminder closer to the deadline already went out: the earlier ones are moot.
    floor = min(used_offsets, default=None)
    due_now = sorted(
        n
        for n in set(steps)
        if f"before-{n}" not in used
        and today >= due_date - dt.timedelta(days=n)
        and (floor is None or n < floor)
    )
    if not due_now:
        return []
    send, *skip = due_now
    return [Reminder("reminder", send, f"before-{send}")] + [
        Reminder("skipped", n, f"before-{n}") for n in skip
    ]


def report_due(
    obligation: Obligation, due: dt.date, year: int, reminder: Reminder, at: dt.datetime
) -> ReportDue:
    """The `report.due` event of a reminder (not of a skipped one: nothing is sent)."""
    return ReportDue(
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
        at=at,
    )
