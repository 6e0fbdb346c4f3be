"""From a directive's deadline to the date a task is due.

A one-off deadline is its date. A recurring one (yearly, quarterly, monthly) becomes a
chain of occurrences: the first is the earliest on or after the day the directive was
issued; when an occurrence closes (completed, or its deadline passed) the next one is
assigned. "Ongoing" (thường xuyên) and "none" have no due date and are never overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt

from shared.contracts.values import Deadline, DeadlineKind


def _clamp(year: int, month: int, day: int) -> dt.date:
    """31/6 does not exist: a day past the month's end means its last day."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def occurrence_due(deadline: Deadline, occurrence: int) -> dt.date:
    """Due date of one occurrence. `occurrence` numbers periods: a year for yearly
    deadlines, year*4+quarter-1 for quarterly, year*12+month-1 for monthly."""
    match deadline.kind:
        case DeadlineKind.YEARLY:
            assert deadline.day and deadline.month
            return _clamp(occurrence, deadline.month, deadline.day)
        case DeadlineKind.QUARTERLY:
            year, quarter = divmod(occurrence, 4)
            last_month = quarter * 3 + 3
            day = deadline.day or calendar.monthrange(year, last_month)[1]
            return _clamp(year, last_month, day)
        case DeadlineKind.MONTHLY:
            year, month = divmod(occurrence, 12)
            day = deadline.day or calendar.monthrange(year, month + 1)[1]
            return _clamp(year, month + 1, day)
    raise ValueError(f"{deadline.kind} deadlines do not recur")


def is_recurring(deadline: Deadline) -> bool:
    return deadline.kind in (DeadlineKind.YEARLY, DeadlineKind.QUARTERLY, DeadlineKind.MONTHLY)


def first_occurrence(deadline: Deadline, issued_on: dt.date) -> int:
    """The first occurrence whose due date is on or after the issue date."""
    match deadline.kind:
        case DeadlineKind.YEARLY:
            candidate = issued_on.year
        case DeadlineKind.QUARTERLY:
            candidate = issued_on.year * 4 + (issued_on.month - 1) // 3
        case DeadlineKind.MONTHLY:
            candidate = issued_on.year * 12 + issued_on.month - 1
        case _:
            raise ValueError(f"{deadline.kind} deadlines do not recur")
    while occurrence_due(deadline, candidate) < issued_on:
        candidate += 1
    return candidate


def due_date(deadline: Deadline, occurrence: int | None) -> dt.date | None:
    if deadline.kind is DeadlineKind.DATE:
        return deadline.date
    if is_recurring(deadline):
        assert occurrence is not None
        return occurrence_due(deadline, occurrence)
    return None


def occurrence_label(deadline: Deadline, occurrence: int | None) -> str:
    """Vietnamese label of an occurrence: 'năm 2020', 'quý II/2020', 'tháng 5/2020'."""
    if occurrence is None:
        return ""
    if deadline.kind is DeadlineKind.YEARLY:
        return f"năm {occurrence}"
    if deadline.kind is DeadlineKind.QUARTERLY:
        year, quarter = divmod(occurrence, 4)
        return f"quý {('I', 'II', 'III', 'IV')[quarter]}/{year}"
    year, month = divmod(occurrence, 12)
    return f"tháng {month + 1}/{year}"
