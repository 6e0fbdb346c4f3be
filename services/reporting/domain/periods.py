"""Data cut-off periods of Decree 09/2019/NĐ-CP, art. 12.

Every period ends on the 14th and the next one starts on the 15th, so each report
covers whole days and no day falls in two periods of the same kind:

    year Y      15/12/(Y-1) .. 14/12/Y
    half 1 / 2  15/12/(Y-1) .. 14/6/Y   and   15/6/Y .. 14/12/Y
    quarter Q   15th of the month before the quarter .. 14th of its last month
    month M     15th of month M-1 .. 14th of month M (January starts 15/12 of Y-1)

Because the boundaries are the 14th/15th, 29 February is always a plain day inside a
period (month 3, quarter I, half 1, year): no clamping is needed here.

A period's cut-off is the end of its last day in Vietnam time, i.e. 00:00 (UTC+7) of
the day after; `cutoff` is that instant and an event counts when it happened strictly
before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.clock import VN_TZ

_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @property
    def start_instant(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), VN_TZ)

    @property
    def cutoff(self) -> dt.datetime:
        """End of the last day, Vietnam time (exclusive)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), VN_TZ)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def contains_instant(self, when: dt.datetime) -> bool:
        return self.start_instant <= aware(when) < self.cutoff


def aware(when: dt.datetime) -> dt.datetime:
    """Naive datetimes are read as Vietnam local time, the service clock's zone."""
    return when if when.tzinfo is not None else when.replace(tzinfo=VN_TZ)


def local_date(when: dt.datetime) -> dt.date:
    return aware(when).astimezone(VN_TZ).date()


def _span(year: int, first_month: int, last_month: int) -> tuple[dt.date, dt.date]:
    """From the 15th of the month before `first_month` to the 14th of `last_month`."""
    start = dt.date(year - 1, 12, 15) if first_month == 1 else dt.date(year, first_month - 1, 15)
    return start, dt.date(year, last_month, 14)


def year_period(year: int) -> Period:
    start, end = _span(year, 1, 12)
    return Period(start, end, f"năm {year}")


def half_period(year: int, half: int) -> Period:
    if half not in (1, 2):
        raise ValueError("half must be 1 or 2")
    start, end = _span(year, 1, 6) if half == 1 else _span(year, 7, 12)
    return Period(start, end, f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}")


def quarter_period(year: int, quarter: int) -> Period:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1..4")
    start, end = _span(year, quarter * 3 - 2, quarter * 3)
    return Period(start, end, f"quý {_ROMAN[quarter - 1]}/{year}")


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    start, end = _span(year, month, month)
    return Period(start, end, f"tháng {month}/{year}")


def period_month(day: dt.date) -> tuple[int, int]:
    """(year, month) of the monthly period `day` falls in: from the 15th on, the next."""
    if day.day < 15:
        return day.year, day.month
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def period_year(day: dt.date) -> int:
    """The reporting year of a date: 15/12/2020 already belongs to 2021."""
    return period_month(day)[0]


def period_quarter(day: dt.date) -> tuple[int, int]:
    year, month = period_month(day)
    return year, (month - 1) // 3 + 1


def period_half(day: dt.date) -> tuple[int, int]:
    year, month = period_month(day)
    return year, 1 if month <= 6 else 2
