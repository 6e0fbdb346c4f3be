"""The four categories of central task tracking, as of the 2020 cut-off (end of 14/12)."""

from __future__ import annotations

import datetime as dt

from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.model import AnnualReport
from tests.unit.test_reporting_fixtures import AGENCY_INFO, D1, FactLog, at

D = dt.date
START = at(2020, 4, 20, 10)


def scheme_log() -> FactLog:
    log = FactLog()
    log.directive(
        "d1", D1, "05/TB-SXD", D(2020, 4, 20), "Triển khai thực hiện Đề án Văn hóa công vụ"
    )
    return log


def report(log: FactLog) -> AnnualReport:
    return build_annual_report(AGENCY_INFO, 2020, log.facts, None, at(2020, 12, 15))


def category(log: FactLog) -> str:
    """The one category holding the single task of `log`."""
    t = report(log).tasks
    counts = {
        "done_on_time": t.done_on_time.value,
        "done_late": t.done_late.value,
        "open_in_deadline": t.open_in_deadline.value,
        "open_overdue": t.open_overdue.value,
        "cancelled": t.cancelled.value,
    }
    [name] = [k for k, v in counts.items() if v]
    assert counts[name] == 1
    return name


def test_completed_on_time() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 6, 30))
    log.complete("c", "T", "VP", at(2020, 6, 30), True)
    assert category(log) == "done_on_time"


def test_completed_late_as_the_tasks_service_judged_it() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 6, 30))
    log.complete("c", "T", "VP", at(2020, 7, 2), False)
    assert category(log) == "done_late"


def test_open_and_due_on_the_cut_off_day_is_within_deadline() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 12, 14))
    assert category(log) == "open_in_deadline"


def test_open_past_its_due_date_is_overdue() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 12, 13))
    assert category(log) == "open_overdue"


def test_the_yearly_report_due_15_12_is_within_deadline_in_its_own_year() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 12, 15))
    assert category(log) == "open_in_deadline"


def test_without_a_due_date_an_open_task_is_within_deadline() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, None)
    assert category(log) == "open_in_deadline"


def test_completed_after_the_cut_off_counts_as_open_at_the_cut_off() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 12, 1))
    log.complete("c", "T", "VP", at(2020, 12, 15, 0), True)
    assert category(log) == "open_overdue"
    r = report(log)
    assert r.tasks.open_overdue.event_ids == ["a"]  # the late completion is not evidence


def test_completed_one_minute_before_the_cut_off_counts() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 12, 1))
    last_minute = dt.datetime(2020, 12, 14, 23, 59, tzinfo=at(2020, 1, 1).tzinfo)
    log.complete("c", "T", "VP", last_minute, False)
    assert category(log) == "done_late"


def test_an_extension_granted_before_the_cut_off_moves_the_deadline() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 9, 30))
    log.extend("x", "T", "VP", at(2020, 9, 25), D(2020, 12, 31))
    assert category(log) == "open_in_deadline"
    assert report(log).tasks.open_in_deadline.event_ids == ["a", "x"]


def test_the_latest_extension_before_the_cut_off_wins() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 9, 30))
    log.extend("x1", "T", "VP", at(2020, 9, 25), D(2020, 12, 31))
    log.extend("x2", "T", "VP", at(2020, 11, 2), D(2020, 11, 30))
    assert category(log) == "open_overdue"


def test_an_extension_granted_after_the_cut_off_does_not() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 9, 30))
    log.extend("x", "T", "VP", at(2020, 12, 16), D(2021, 1, 31))
    assert category(log) == "open_overdue"


def test_cancelled_tasks_are_excluded_and_counted_apart() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 9, 30))
    log.cancel("x", "T", "VP", at(2020, 8, 1))
    assert category(log) == "cancelled"
    t = report(log).tasks
    assert t.total.value == 0
    assert t.cancelled.event_ids == ["a", "x"]


def test_cancelled_after_the_cut_off_was_still_open_at_it() -> None:
    log = scheme_log()
    log.assign("a", "T", "VP", START, D(2020, 9, 30))
    log.cancel("x", "T", "VP", at(2020, 12, 20))
    assert category(log) == "open_overdue"


def test_percentages_have_one_decimal_rounded_half_up() -> None:
    log = scheme_log()
    for i in range(3):
        log.assign(f"a{i}", f"T{i}", "VP", START, D(2020, 6, 30))
    log.complete("c0", "T0", "VP", at(2020, 6, 1), True)
    log.complete("c1", "T1", "VP", at(2020, 6, 1), True)
    t = report(log).tasks
    assert (t.done_on_time.percent, t.open_overdue.percent) == (66.7, 33.3)
    log8 = scheme_log()
    for i in range(8):
        log8.assign(f"a{i}", f"T{i}", "VP", START, D(2020, 6, 30))
    log8.complete("c0", "T0", "VP", at(2020, 6, 1), True)
    assert report(log8).tasks.done_on_time.percent == 12.5  # 1/8, exact


def test_tasks_of_a_scheme_directive_from_an_earlier_year_count_when_assigned_in_this_one() -> None:
    # The 2021 occurrence of the seed's yearly report duty is assigned in the 2021 period.
    log = scheme_log()
    log.assign("a2020", "T2020", "VP", START, D(2020, 12, 15))
    log.complete("c2020", "T2020", "VP", at(2020, 12, 15, 8), True)
    log.assign("a2021", "T2021", "VP", at(2020, 12, 15, 8), D(2021, 12, 15))
    r2020 = report(log)
    r2021 = build_annual_report(AGENCY_INFO, 2021, log.facts, None, at(2021, 12, 15))
    assert r2020.tasks.open_in_deadline.event_ids == ["a2020"]  # done after the cut-off
    assert r2021.tasks.total.event_ids == ["a2021"]
    assert r2021.directives.count.value == 0  # the directive itself is a 2020 one
