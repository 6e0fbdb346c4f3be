"""Report obligations from a directive, and the reminder schedule before its deadline."""

from __future__ import annotations

import datetime as dt
import uuid

from services.reporting.domain.obligations import (
    Obligation,
    next_occurrence,
    obligation_id,
    obligations_of,
    occurrence_due,
    reminders_to_send,
    reporting_year,
)
from shared.clock import VN_TZ
from shared.contracts.events import DirectiveIssued
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    UnitRef,
)

D = dt.date
VP = UnitRef(code="VP", name="Văn phòng Sở")
YEARLY = Deadline(kind=DeadlineKind.YEARLY, day=15, month=12)


def seed(*assignments: Assignment) -> DirectiveIssued:
    return DirectiveIssued(
        agency="sxd-thanhhoa",
        directive_id=uuid.UUID(int=7),
        reference="05/TB-SXD",
        issued_at=dt.datetime(2020, 4, 20, 9, tzinfo=VN_TZ),
        content=DirectiveContent(
            doc_type=DocType.NOTICE, subject="Triển khai", assignments=assignments
        ),
    )


def test_the_seed_yearly_report_duty_is_an_obligation_of_the_office() -> None:
    event = seed(
        Assignment(lead_unit=VP, action="Quán triệt, tuyên truyền, phổ biến kế hoạch"),
        Assignment(lead_unit=VP, action="Tổng hợp, báo cáo kết quả", deadline=YEARLY),
        Assignment(
            lead_unit=VP,
            action="Báo cáo kết quả rà soát",
            deadline=Deadline(kind=DeadlineKind.DATE, date=D(2020, 6, 30)),
        ),
        Assignment(lead_unit=VP, action="Kiểm tra, giám sát", deadline=YEARLY),
    )
    [ob] = obligations_of(event)
    assert ob.obligation_id == obligation_id(uuid.UUID(int=7), 1)
    assert (ob.index, ob.responsible_unit, ob.title) == (1, VP, "Tổng hợp, báo cáo kết quả")
    assert ob.directive_reference == "05/TB-SXD"
    # Redelivery of the same directive yields the same obligation.
    assert obligations_of(event) == [ob]


def test_the_action_is_matched_without_diacritics_and_case() -> None:
    event = seed(Assignment(lead_unit=VP, action="TỔNG HỢP, BAO CAO KẾT QUẢ", deadline=YEARLY))
    assert len(obligations_of(event)) == 1


def _yearly(day: int, month: int) -> Obligation:
    deadline = Deadline(kind=DeadlineKind.YEARLY, day=day, month=month)
    [ob] = obligations_of(seed(Assignment(lead_unit=VP, action="Báo cáo", deadline=deadline)))
    return ob


def test_yearly_occurrence_due_and_29_february() -> None:
    assert occurrence_due(_yearly(15, 12), 2020) == D(2020, 12, 15)
    leap = _yearly(29, 2)
    assert occurrence_due(leap, 2024) == D(2024, 2, 29)
    assert occurrence_due(leap, 2025) == D(2025, 2, 28)


def test_next_occurrence_on_or_after_a_day() -> None:
    ob = _yearly(15, 12)
    assert next_occurrence(ob, D(2020, 4, 20)) == 2020
    assert next_occurrence(ob, D(2020, 12, 15)) == 2020
    assert next_occurrence(ob, D(2020, 12, 16)) == 2021
    quarterly = obligations_of(
        seed(
            Assignment(
                lead_unit=VP,
                action="Báo cáo quý",
                deadline=Deadline(kind=DeadlineKind.QUARTERLY, day=10),
            )
        )
    )[0]
    occurrence = next_occurrence(quarterly, D(2021, 3, 11))
    assert occurrence == 2021 * 4 + 1
    assert occurrence_due(quarterly, occurrence) == D(2021, 6, 10)


def test_the_report_due_on_15_12_is_the_report_of_that_year() -> None:
    assert reporting_year(D(2020, 12, 15)) == 2020
    assert reporting_year(D(2021, 1, 10)) == 2021


DUE = D(2020, 12, 15)


def test_reminders_30_7_1_days_before_each_once() -> None:
    sent: set[str] = set()
    log = []
    day = D(2020, 11, 1)
    while day <= DUE:
        for r in reminders_to_send(DUE, day, sent, submitted=False):
            sent.add(r.key)
            log.append((day, r.kind, r.days_before))
        day += dt.timedelta(days=1)
    assert log == [
        (D(2020, 11, 15), "reminder", 30),
        (D(2020, 12, 8), "reminder", 7),
        (D(2020, 12, 14), "reminder", 1),
    ]


def test_a_clock_jump_sends_only_the_nearest_reminder_and_skips_the_others() -> None:
    result = reminders_to_send(DUE, D(2020, 12, 14), set(), submitted=False)
    assert [(r.kind, r.days_before, r.key) for r in result] == [
        ("reminder", 1, "before-1"),
        ("skipped", 7, "before-7"),
        ("skipped", 30, "before-30"),
    ]
    # Recorded as used, the skipped ones never come back.
    used = {r.key for r in result}
    assert reminders_to_send(DUE, D(2020, 12, 15), used, submitted=False) == []


def test_an_older_reminder_is_never_sent_after_a_newer_one() -> None:
    assert reminders_to_send(DUE, D(2020, 12, 10), {"before-7"}, submitted=False) == []


def test_overdue_once_the_day_after_the_deadline() -> None:
    assert reminders_to_send(DUE, DUE, {"before-1"}, submitted=False) == []
    [r] = reminders_to_send(DUE, D(2020, 12, 16), {"before-1"}, submitted=False)
    assert (r.kind, r.days_before, r.key) == ("overdue", None, "overdue")
    assert reminders_to_send(DUE, D(2020, 12, 20), {"before-1", "overdue"}, False) == []


def test_nothing_once_submitted() -> None:
    for today in (D(2020, 11, 15), D(2020, 12, 14), D(2020, 12, 16)):
        assert reminders_to_send(DUE, today, set(), submitted=True) == []


def test_custom_offsets() -> None:
    [r] = reminders_to_send(DUE, D(2020, 12, 12), set(), False, offsets=(3,))
    assert r.key == "before-3"
