"""Decree 09/2019 data cut-off periods: every period ends on the 14th, the next starts
on the 15th."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from services.reporting.domain.periods import (
    half_period,
    month_period,
    period_half,
    period_month,
    period_quarter,
    period_year,
    quarter_period,
    year_period,
)
from shared.clock import VN_TZ

D = dt.date


def test_year_runs_from_15_12_of_the_previous_year_to_14_12() -> None:
    p = year_period(2020)
    assert (p.start, p.end, p.label) == (D(2019, 12, 15), D(2020, 12, 14), "năm 2020")


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (D(2020, 12, 14), 2020),
        (D(2020, 12, 15), 2021),
        (D(2021, 1, 1), 2021),
        (D(2019, 12, 15), 2020),
        (D(2024, 2, 29), 2024),
        (D(2024, 12, 31), 2025),
    ],
)
def test_the_reporting_year_of_a_date(day: dt.date, year: int) -> None:
    assert period_year(day) == year
    assert year_period(year).contains(day)


def test_the_cut_off_is_the_end_of_the_last_day_in_vietnam_time() -> None:
    p = year_period(2020)
    assert p.cutoff == dt.datetime(2020, 12, 15, 0, 0, tzinfo=VN_TZ)
    assert p.contains_instant(dt.datetime(2020, 12, 14, 23, 59, 59, tzinfo=VN_TZ))
    assert not p.contains_instant(dt.datetime(2020, 12, 15, 0, 0, tzinfo=VN_TZ))
    # 20:00 UTC on 14/12 is already 03:00 on 15/12 in Hanoi: next year's period.
    assert not p.contains_instant(dt.datetime(2020, 12, 14, 20, 0, tzinfo=dt.UTC))
    assert year_period(2021).contains_instant(dt.datetime(2020, 12, 14, 20, 0, tzinfo=dt.UTC))
    assert p.contains_instant(dt.datetime(2019, 12, 15, 0, 0, tzinfo=VN_TZ))


def test_halves() -> None:
    h1, h2 = half_period(2021, 1), half_period(2021, 2)
    assert (h1.start, h1.end, h1.label) == (D(2020, 12, 15), D(2021, 6, 14), "6 tháng đầu năm 2021")
    assert (h2.start, h2.end, h2.label) == (
        D(2021, 6, 15),
        D(2021, 12, 14),
        "6 tháng cuối năm 2021",
    )
    assert period_half(D(2021, 6, 14)) == (2021, 1)
    assert period_half(D(2021, 6, 15)) == (2021, 2)
    assert period_half(D(2020, 12, 15)) == (2021, 1)


def test_quarters() -> None:
    q1, q4 = quarter_period(2021, 1), quarter_period(2021, 4)
    assert (q1.start, q1.end, q1.label) == (D(2020, 12, 15), D(2021, 3, 14), "quý I/2021")
    assert (q4.start, q4.end, q4.label) == (D(2021, 9, 15), D(2021, 12, 14), "quý IV/2021")
    assert quarter_period(2021, 2).start == D(2021, 3, 15)
    assert period_quarter(D(2021, 3, 14)) == (2021, 1)
    assert period_quarter(D(2021, 3, 15)) == (2021, 2)
    assert period_quarter(D(2021, 12, 15)) == (2022, 1)


def test_months_including_january_and_a_leap_february() -> None:
    jan = month_period(2021, 1)
    assert (jan.start, jan.end, jan.label) == (D(2020, 12, 15), D(2021, 1, 14), "tháng 1/2021")
    mar = month_period(2024, 3)
    assert (mar.start, mar.end) == (D(2024, 2, 15), D(2024, 3, 14))
    assert mar.contains(D(2024, 2, 29))
    assert period_month(D(2024, 2, 29)) == (2024, 3)
    assert period_month(D(2024, 2, 14)) == (2024, 2)
    assert period_month(D(2020, 12, 15)) == (2021, 1)


def test_leap_day_is_inside_every_kind_of_2024_period() -> None:
    leap = D(2024, 2, 29)
    assert year_period(2024).contains(leap)
    assert half_period(2024, 1).contains(leap)
    assert quarter_period(2024, 1).contains(leap)
    assert period_year(leap) == 2024


def test_consecutive_periods_leave_no_gap_and_no_overlap() -> None:
    for kind in (
        [month_period(2024, m) for m in range(1, 13)],
        [quarter_period(2024, q) for q in range(1, 5)],
        [half_period(2024, h) for h in (1, 2)],
    ):
        assert kind[0].start == year_period(2024).start
        assert kind[-1].end == year_period(2024).end
        for before, after in itertools.pairwise(kind):
            assert after.start == before.end + dt.timedelta(days=1)


def test_invalid_period_numbers_are_refused() -> None:
    with pytest.raises(ValueError):
        quarter_period(2021, 5)
    with pytest.raises(ValueError):
        month_period(2021, 13)
    with pytest.raises(ValueError):
        half_period(2021, 3)
