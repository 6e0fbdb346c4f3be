"""Deadlines: working days, the Civil Code's day-off rule, recurring occurrences."""

from __future__ import annotations

import datetime as dt

import pytest

from services.tasks.domain import schedule
from shared import workdays as calendar
from shared.contracts.values import Deadline, DeadlineKind

D = dt.date


def yearly(day: int, month: int) -> Deadline:
    return Deadline(kind=DeadlineKind.YEARLY, day=day, month=month)


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert calendar.is_working_day(D(2020, 12, 15))  # Tuesday
    assert not calendar.is_working_day(D(2020, 12, 13))  # Sunday
    assert not calendar.is_working_day(D(2020, 4, 30))  # Reunification Day
    assert not calendar.is_working_day(D(2020, 9, 2))  # National Day
    assert not calendar.is_working_day(D(2020, 1, 24))  # Tết 2020


def test_deadline_on_a_day_off_ends_on_the_next_working_day() -> None:
    # 15/12/2024 is a Sunday: done on Monday 16/12 is on time, Tuesday is late.
    assert calendar.effective_due_date(D(2024, 12, 15)) == D(2024, 12, 16)
    assert not calendar.is_overdue(D(2024, 12, 15), D(2024, 12, 16))
    assert calendar.is_overdue(D(2024, 12, 15), D(2024, 12, 17))
    # 30/4 and 1/5 2020 are holidays, then a weekend: the period ends Monday 4/5.
    assert calendar.effective_due_date(D(2020, 4, 30)) == D(2020, 5, 4)


def test_a_working_day_deadline_is_overdue_the_day_after() -> None:
    assert not calendar.is_overdue(D(2020, 12, 15), D(2020, 12, 15))
    assert calendar.is_overdue(D(2020, 12, 15), D(2020, 12, 16))
    assert not calendar.is_overdue(None, D(2030, 1, 1))


def test_add_working_days_skips_weekends_and_holidays() -> None:
    assert calendar.add_working_days(D(2020, 4, 28), 3) == D(2020, 5, 5)
    assert calendar.add_working_days(D(2020, 4, 28), 0) == D(2020, 4, 28)
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2020, 4, 28), -1)


@pytest.mark.parametrize(
    ("issued", "occurrence", "due"),
    [
        (D(2020, 4, 20), 2020, D(2020, 12, 15)),  # the seed: this year's report
        (D(2020, 12, 15), 2020, D(2020, 12, 15)),  # issued on the day: still this year
        (D(2020, 12, 16), 2021, D(2021, 12, 15)),  # issued after: next year's
    ],
)
def test_first_yearly_occurrence(issued: D, occurrence: int, due: D) -> None:
    deadline = yearly(15, 12)
    assert schedule.first_occurrence(deadline, issued) == occurrence
    assert schedule.due_date(deadline, occurrence) == due


def test_yearly_29_february_falls_back_to_28_in_common_years() -> None:
    assert schedule.occurrence_due(yearly(29, 2), 2021) == D(2021, 2, 28)
    assert schedule.occurrence_due(yearly(29, 2), 2024) == D(2024, 2, 29)


def test_quarterly_and_monthly_occurrences() -> None:
    quarterly = Deadline(kind=DeadlineKind.QUARTERLY, day=20)
    first = schedule.first_occurrence(quarterly, D(2020, 4, 20))
    assert schedule.due_date(quarterly, first) == D(2020, 6, 20)
    assert schedule.due_date(quarterly, first + 2) == D(2020, 12, 20)
    assert schedule.due_date(quarterly, first + 3) == D(2021, 3, 20)
    assert schedule.occurrence_label(quarterly, first) == "quý II/2020"
    end_of_quarter = Deadline(kind=DeadlineKind.QUARTERLY)
    assert schedule.due_date(end_of_quarter, first) == D(2020, 6, 30)
    monthly = Deadline(kind=DeadlineKind.MONTHLY, day=31)
    m = schedule.first_occurrence(monthly, D(2020, 2, 10))
    assert schedule.due_date(monthly, m) == D(2020, 2, 29)
    assert schedule.due_date(monthly, m + 1) == D(2020, 3, 31)


def test_one_off_and_open_deadlines() -> None:
    assert schedule.due_date(Deadline(kind=DeadlineKind.DATE, date=D(2020, 6, 30)), None) == D(
        2020, 6, 30
    )
    assert schedule.due_date(Deadline(kind=DeadlineKind.ONGOING), None) is None
    assert schedule.due_date(Deadline.none(), None) is None
    assert not schedule.is_recurring(Deadline(kind=DeadlineKind.DATE, date=D(2020, 6, 30)))
