"""Working days, and when a deadline really ends.

Civil Code 2015, art. 148(5): when the last day of a period is a weekly rest day or a
public holiday, the period ends at the end of the next working day. So a task due on
a Sunday is on time when done on Monday, and is overdue only from Tuesday.

Public holidays (Labour Code 2019, art. 112): 1/1; Tết (5 days, lunar); Hùng Kings
(10/3 lunar); 30/4; 1/5; 2/9 and one day next to it. Lunar dates and the day next to
2/9 change every year, and the Government announces the exact days off, so they are
data, not arithmetic: `LUNAR_AND_BRIDGE_HOLIDAYS` lists the days off per year, and
`MAKE_UP_SATURDAYS` the Saturdays worked in exchange for a bridge day.

Shared: the tasks service dates overdue work with it, the directives importer counts
"05 ngày làm việc kể từ ngày ký" on it.
"""

from __future__ import annotations

import datetime as dt

FIXED_HOLIDAYS = ((1, 1), (30, 4), (1, 5), (2, 9))

# Days off announced for Tết, Hùng Kings' day and the day next to 2/9.
LUNAR_AND_BRIDGE_HOLIDAYS: dict[int, tuple[tuple[int, int], ...]] = {
    2020: ((23, 1), (24, 1), (27, 1), (28, 1), (29, 1), (2, 4), (3, 9)),
    2021: ((10, 2), (11, 2), (12, 2), (15, 2), (16, 2), (21, 4), (3, 9)),
    2022: ((31, 1), (1, 2), (2, 2), (3, 2), (4, 2), (11, 4), (1, 9)),
    2023: ((20, 1), (23, 1), (24, 1), (25, 1), (26, 1), (29, 4), (2, 5), (3, 5), (1, 9), (4, 9)),
    2024: ((8, 2), (9, 2), (12, 2), (13, 2), (14, 2), (18, 4), (29, 4), (3, 9)),
    2025: ((27, 1), (28, 1), (29, 1), (30, 1), (31, 1), (7, 4), (2, 5), (1, 9)),
    2026: ((16, 2), (17, 2), (18, 2), (19, 2), (20, 2), (27, 4), (1, 9)),
}


# Saturdays worked to bridge a holiday (the official swaps for public servants).
MAKE_UP_SATURDAYS: frozenset[dt.date] = frozenset(
    (dt.date(2023, 5, 6), dt.date(2023, 9, 9), dt.date(2024, 5, 4), dt.date(2025, 4, 26))
)


def is_holiday(day: dt.date) -> bool:
    key = (day.day, day.month)
    return key in FIXED_HOLIDAYS or key in LUNAR_AND_BRIDGE_HOLIDAYS.get(day.year, ())


def is_working_day(day: dt.date) -> bool:
    return day in MAKE_UP_SATURDAYS or (day.weekday() < 5 and not is_holiday(day))


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def effective_due_date(due: dt.date) -> dt.date:
    """The last day on which the work is still on time (art. 148(5))."""
    return next_working_day(due)


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and today > effective_due_date(due)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """`days` working days after `start` (for extensions given in working days)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    while days:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current
