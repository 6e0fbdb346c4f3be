"""The province's rollup of the agencies' submitted report forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.rollup import province_rollup
from shared.contracts.events import ReportSubmitted
from tests.unit.test_reporting_fixtures import AGENCY_INFO, at, year_2020


def submission(agency: str, report: dict[str, Any], when: dt.datetime, **kw: Any) -> dict[str, Any]:
    event = ReportSubmitted(
        agency=agency,
        report_id=f"{agency}/2020",
        year=kw.get("year", 2020),
        province=kw.get("province", "Thanh Hóa"),
        submitted_at=when,
        on_time=when.date() <= dt.date(2020, 12, 15),
        report={**report, "agency": agency, "agency_name": kw.get("name", agency)},
    )
    return event.model_dump(mode="json")


def sxd_form() -> dict[str, Any]:
    report = build_annual_report(AGENCY_INFO, 2020, year_2020().facts, None, at(2020, 12, 14))
    return report.model_dump(mode="json")


def test_sums_figures_across_agencies_and_lists_each_submission() -> None:
    form = sxd_form()
    subs = [
        submission("sxd-thanhhoa", form, at(2020, 12, 14), name="Sở Xây dựng"),
        submission("sgtvt-thanhhoa", form, at(2020, 12, 18), name="Sở Giao thông vận tải"),
    ]
    view = province_rollup("Thanh Hóa", 2020, subs)
    assert [(a["agency"], a["on_time"]) for a in view["agencies"]] == [
        ("sgtvt-thanhhoa", False),
        ("sxd-thanhhoa", True),
    ]
    assert view["agencies"][1]["agency_name"] == "Sở Xây dựng"
    assert view["agencies"][1]["submitted_at"] == "2020-12-14T09:00:00+07:00"
    assert (view["submitted"], view["submitted_on_time"]) == (2, 1)
    t = view["totals"]
    assert (t["tasks_total"], t["done_on_time"], t["done_late"]) == (18, 4, 2)
    assert (t["open_in_deadline"], t["open_overdue"], t["tasks_cancelled"]) == (6, 6, 2)
    assert (t["dissemination_units_total"], t["dissemination_units_confirmed"]) == (6, 4)
    assert (t["staff_total"], t["staff_reached"]) == (64, 44)
    assert (t["inspections"], t["findings"], t["findings_resolved"]) == (2, 4, 2)
    assert view["percentages"]["done_on_time"] == 22.2
    assert view["percentages"]["findings_resolved"] == 50.0


def test_a_resubmission_replaces_the_earlier_one() -> None:
    form = sxd_form()
    amended = {**form, "tasks": {**form["tasks"], "done_on_time": {"value": 5, "event_ids": []}}}
    subs = [
        submission("sxd-thanhhoa", amended, at(2020, 12, 20)),
        submission("sxd-thanhhoa", form, at(2020, 12, 14)),
    ]
    view = province_rollup("Thanh Hóa", 2020, subs)
    assert view["submitted"] == 1
    assert view["totals"]["done_on_time"] == 5
    assert view["agencies"][0]["on_time"] is False


def test_other_provinces_and_years_are_left_out_and_province_matches_loosely() -> None:
    form = sxd_form()
    subs = [
        submission("sxd-thanhhoa", form, at(2020, 12, 14), province="THANH HOÁ"),
        submission("sxd-nghean", form, at(2020, 12, 14), province="Nghệ An"),
        submission("sxd-thanhhoa", form, at(2021, 12, 14), year=2021),
    ]
    view = province_rollup("Thanh Hóa", 2020, subs)
    assert [a["agency"] for a in view["agencies"]] == ["sxd-thanhhoa"]


def test_no_submissions_give_zeros() -> None:
    view = province_rollup("Thanh Hóa", 2020, [])
    assert view["submitted"] == 0
    assert set(view["totals"].values()) == {0}
    assert view["percentages"]["done_on_time"] == 0.0
