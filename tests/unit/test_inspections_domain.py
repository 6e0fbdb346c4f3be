"""An inspection of public-service culture (Decision 1847): plan, results, completion,
summary, verification of remedies; and the criteria list it checks against."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest

from services.inspections.domain.criteria import Criteria, CriteriaError, Criterion, load_criteria
from services.inspections.domain.labels import AREA_TITLES
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.planning import Plan, plan_inspection
from services.inspections.domain.summary import summarize
from services.inspections.domain.values import DecidingDocument, Finding, Result, Role, TeamMember
from services.inspections.settings import CRITERIA
from shared.clock import VN_TZ
from shared.contracts.events import (
    InspectionArea,
    InspectionCompleted,
    Severity,
    ViolationRecorded,
    ViolationResolved,
)
from shared.domain import Changed
from shared.errors import InvalidField, InvalidTransition, NotFound

CRITERIA_LIST = load_criteria(CRITERIA)
DIRECTORY = {"VP": "Văn phòng Sở", "TTr": "Thanh tra Sở", "CDCQ": "Công đoàn cơ quan"}
DIRECTORY |= {"KHTC": "Phòng Kế hoạch - Tài chính", "QHKT": "Phòng Quy hoạch - Kiến trúc"}
AT = dt.datetime(2020, 10, 5, 8, 0, tzinfo=VN_TZ)
DAY = dt.date(2020, 10, 6)  # the team visits the units on this day
DECISION = DecidingDocument("45", "QĐ-SXD", dt.date(2020, 10, 1), "Giám đốc Sở Xây dựng")
TEAM = (
    TeamMember("Lê Văn Hùng", Role.HEAD, "VP"),
    TeamMember("Nguyễn Thị Lan", Role.DEPUTY, "CDCQ"),
    TeamMember("Trần Minh Đức", Role.MEMBER, "TTr"),
)
PLAN = Plan(
    agency="sxd-thanhhoa",
    title="Kiểm tra việc thực hiện văn hóa công vụ năm 2020",
    decision=DECISION,
    team=TEAM,
    targets=("KHTC", "QHKT"),
    period_start=dt.date(2020, 10, 5),
    period_end=dt.date(2020, 10, 16),
    scope=("ATT-HOURS", "CONDUCT-4X", "ETH-ALCOHOL", "DRESS-BADGE"),
)


def planned(plan: Plan = PLAN) -> Inspection:
    return plan_inspection(plan, CRITERIA_LIST, DIRECTORY, id=uuid.UUID(int=1), at=AT)


def ok(unit: str, criterion: str, on: dt.date = DAY) -> Result:
    return Result(unit, criterion, on, AT)


def finding(
    unit: str,
    criterion: str,
    severity: Severity = Severity.MINOR,
    due: dt.date = dt.date(2020, 11, 6),
) -> Result:
    found = Finding(severity, "Không đeo thẻ công chức khi tiếp dân", due, "Ảnh chụp", "Ô. Bình")
    return Result(unit, criterion, DAY, AT, found)


# --- criteria --------------------------------------------------------------------------


def test_the_1847_checklist_covers_the_four_areas_with_ascii_codes() -> None:
    for area in InspectionArea:
        assert 3 <= len(CRITERIA_LIST.in_area(area)) <= 5, area
    codes = [c.code for c in CRITERIA_LIST.all]
    assert {"ATT-HOURS", "CONDUCT-4X", "ETH-ALCOHOL", "DRESS-UNIFORM"} <= set(codes)
    assert all(c.isascii() for c in codes)
    four_x = CRITERIA_LIST.get("CONDUCT-4X")
    assert four_x is not None and "4 xin, 4 luôn" in four_x.title
    assert four_x.area is InspectionArea.CONDUCT
    assert AREA_TITLES[InspectionArea.ATTITUDE] == "Tinh thần, thái độ làm việc"


def test_a_list_missing_an_area_or_repeating_a_code_is_refused() -> None:
    hours = Criterion("ATT-HOURS", "Giờ giấc", InspectionArea.ATTITUDE)
    with pytest.raises(CriteriaError, match="conduct, ethics, dress"):
        Criteria([hours])
    with pytest.raises(CriteriaError, match="unique"):
        Criteria([hours, *CRITERIA_LIST.all])


# --- planning --------------------------------------------------------------------------


def test_a_plan_keeps_the_team_the_units_by_name_and_a_copy_of_the_criteria() -> None:
    inspection = planned()
    assert inspection.status is Status.PLANNED
    assert inspection.decision.reference == "45/QĐ-SXD ngày 01/10/2020"
    assert [(u.code, u.name) for u in inspection.targets] == [
        ("KHTC", "Phòng Kế hoạch - Tài chính"),
        ("QHKT", "Phòng Quy hoạch - Kiến trúc"),
    ]
    assert [c.code for c in inspection.scope] == list(PLAN.scope or ())
    assert planned(replace(PLAN, scope=None)).scope == CRITERIA_LIST.all


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"targets": ("KHTC", "XYZ")}, "targets.1", "unknown unit 'XYZ' for agency"),
        ({"targets": ("KHTC", "KHTC")}, "targets.1", "listed twice"),
        ({"scope": ("ATT-HOURS", "ETH-KARAOKE")}, "scope.1", "unknown criterion 'ETH-KARAOKE'"),
        ({"team": TEAM[1:]}, "team", "exactly one head"),
        ({"team": (*TEAM, replace(TEAM[2], unit="PX"))}, "team.3.unit", "unknown unit 'PX'"),
        ({"period_end": dt.date(2020, 10, 4)}, "period_end", "ends before it starts"),
        ({"period_start": dt.date(2020, 9, 30)}, "decision.date", "dated after"),
        ({"title": "  "}, "title", "needs a title"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_refused_naming_the_field(
    change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidField, match=message) as caught:
        planned(replace(PLAN, **change))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_without_a_local_directory_unit_codes_are_taken_as_given() -> None:
    inspection = plan_inspection(
        replace(PLAN, targets=("XYZ",)), CRITERIA_LIST, None, id=uuid.uuid4(), at=AT
    )
    assert inspection.targets[0].code == inspection.targets[0].name == "XYZ"


# --- results ---------------------------------------------------------------------------


def test_results_are_kept_per_unit_and_criterion_and_re_recording_replaces() -> None:
    changed = planned().record([ok("KHTC", "ATT-HOURS"), ok("QHKT", "DRESS-BADGE")], DAY)
    changed = changed.then(lambda i: i.record([finding("KHTC", "ATT-HOURS")], DAY))
    assert changed.events == ()  # results are the team's notes until completion
    inspection = changed.state
    assert [(r.unit, r.criterion, r.compliant) for r in inspection.results] == [
        ("KHTC", "ATT-HOURS", False),
        ("QHKT", "DRESS-BADGE", True),
    ]


@pytest.mark.parametrize(
    ("result", "field", "message"),
    [
        (ok("VP", "ATT-HOURS"), "0.unit", "unit 'VP' is not a target"),
        (ok("KHTC", "DRESS-UNIFORM"), "0.criterion", "'DRESS-UNIFORM' is not in the scope"),
        (ok("KHTC", "ATT-HOURS", dt.date(2020, 10, 17)), "0.inspected_on", "outside the period"),
        (finding("KHTC", "ATT-HOURS", due=DAY), "0.finding.remediation_due", "must be after"),
    ],
)
def test_a_result_outside_the_plan_is_refused_naming_which(
    result: Result, field: str, message: str
) -> None:
    with pytest.raises(InvalidField, match=message) as caught:
        planned().record([result], dt.date(2020, 10, 20))
    assert caught.value.field == field


def test_a_batch_is_all_or_nothing_and_may_not_repeat_a_result() -> None:
    with pytest.raises(InvalidField, match="two results for unit 'KHTC'") as caught:
        planned().record([ok("KHTC", "ATT-HOURS"), finding("KHTC", "ATT-HOURS")], DAY)
    assert caught.value.field == "1"


def test_no_result_for_a_day_that_has_not_come() -> None:
    with pytest.raises(InvalidField, match="future"):
        planned().record([ok("KHTC", "ATT-HOURS")], today=dt.date(2020, 10, 5))


# --- completion and summary ------------------------------------------------------------


def completed() -> Inspection:
    return completion().state


def completion() -> Changed[Inspection]:
    return (
        planned()
        .record(
            [
                ok("KHTC", "ATT-HOURS"),
                ok("KHTC", "CONDUCT-4X"),
                finding("KHTC", "ETH-ALCOHOL", Severity.SERIOUS),
                finding("KHTC", "DRESS-BADGE"),
                ok("QHKT", "ATT-HOURS"),
            ],
            DAY,
        )
        .then(lambda i: i.complete(AT + dt.timedelta(days=10)))
    )


def test_completing_needs_a_result_for_every_target_unit() -> None:
    with pytest.raises(InvalidTransition, match=r"no results yet for unit\(s\): KHTC, QHKT"):
        planned().complete(AT)
    with pytest.raises(InvalidTransition, match=r": QHKT$"):
        planned().record([ok("KHTC", "ATT-HOURS")], DAY).state.complete(AT)


def test_completion_turns_each_finding_into_a_violation_and_happens_once() -> None:
    done = completed()
    assert done.status is Status.COMPLETED and done.completed_at == AT + dt.timedelta(days=10)
    assert [(v.unit.code, v.criterion, v.severity) for v in done.violations] == [
        ("KHTC", "ETH-ALCOHOL", Severity.SERIOUS),
        ("KHTC", "DRESS-BADGE", Severity.MINOR),
    ]
    alcohol = done.violations[0]
    assert alcohol.area is InspectionArea.ETHICS
    assert alcohol.unit.name == "Phòng Kế hoạch - Tài chính"
    assert alcohol.remediation_due == dt.date(2020, 11, 6) and not alcohol.resolved
    assert completed().violations[0].id == alcohol.id  # same finding, same id
    with pytest.raises(InvalidTransition, match="already completed"):
        done.complete(AT)
    with pytest.raises(InvalidTransition, match="results are final"):
        done.record([ok("QHKT", "CONDUCT-4X")], DAY)


def test_completion_announces_the_summary_then_each_violation() -> None:
    done, events = completion().state, completion().events
    completed_event, *recorded = events
    assert isinstance(completed_event, InspectionCompleted)
    assert (
        completed_event.inspection_id == done.id
        and completed_event.completed_at == done.completed_at
    )
    assert completed_event.units == summarize(done)
    assert completed_event.violation_ids == tuple(v.id for v in done.violations)
    assert all(isinstance(e, ViolationRecorded) for e in recorded)
    # The person named in a finding ("Ô. Bình") stays with the team, out of the event.
    assert [v.person for v in done.violations] == ["Ô. Bình", "Ô. Bình"]
    assert all(isinstance(e, ViolationRecorded) and e.person is None for e in recorded)
    assert [(e.violation_id, e.severity) for e in recorded if isinstance(e, ViolationRecorded)] == [
        (v.id, v.severity) for v in done.violations
    ]


def test_summary_counts_compliant_and_findings_per_unit_and_area_with_zeros() -> None:
    counts = {
        s.unit.code: {a.area.value: (a.compliant, a.findings) for a in s.areas}
        for s in summarize(completed())
    }
    assert counts == {
        "KHTC": {"attitude": (1, 0), "conduct": (1, 0), "ethics": (0, 1), "dress": (0, 1)},
        "QHKT": {"attitude": (1, 0), "conduct": (0, 0), "ethics": (0, 0), "dress": (0, 0)},
    }


# --- verification of remedies ----------------------------------------------------------


def at_local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ)


def test_a_remedy_verified_on_the_deadline_day_is_on_time_by_vietnam_date() -> None:
    done = completed()
    vid = done.violations[0].id
    # 23:30 in Hà Nội on the deadline is 16:30 UTC the same day: on time.
    late_evening = at_local(dt.date(2020, 11, 6), 23).replace(minute=30).astimezone(dt.UTC)
    changed = done.verify(vid, late_evening, "Đã kiểm tra lại, không tái phạm")
    verified = changed.state.violation(vid)
    assert verified.on_time is True and verified.resolved
    (event,) = changed.events
    assert isinstance(event, ViolationResolved)
    assert event.violation_id == vid and event.on_time is True
    assert event.note == "Đã kiểm tra lại, không tái phạm"
    assert verified.resolution_note == "Đã kiểm tra lại, không tái phạm"
    assert not done.violation(vid).resolved  # the original is unchanged


def test_a_remedy_verified_after_the_deadline_is_late_and_verified_only_once() -> None:
    done = completed()
    vid = done.violations[1].id
    once = done.verify(vid, at_local(dt.date(2020, 11, 7), 0), "Đã đeo thẻ").state
    assert once.violation(vid).on_time is False
    with pytest.raises(InvalidTransition, match="already verified on 07/11/2020"):
        once.verify(vid, at_local(dt.date(2020, 11, 8), 9), "Lần hai")


def test_verification_needs_a_completed_inspection_and_a_note() -> None:
    with pytest.raises(InvalidTransition, match="only after the inspection"):
        planned().verify(uuid.uuid4(), AT, "Đã khắc phục")
    done = completed()
    with pytest.raises(InvalidField, match="needs a note"):
        done.verify(done.violations[0].id, AT, " ")
    with pytest.raises(NotFound):
        done.verify(uuid.uuid4(), AT, "Đã khắc phục")
