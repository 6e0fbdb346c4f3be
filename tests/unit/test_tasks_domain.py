"""Task expansion from a directive, and the life of a task."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.tasks.domain import expansion
from services.tasks.domain.model import Status, Task
from shared.clock import VN_TZ
from shared.contracts.events import (
    DirectiveIssued,
    TaskAcknowledged,
    TaskCancelled,
    TaskCompleted,
    TaskEvent,
    TaskExtensionGranted,
    TaskExtensionRequested,
    TaskOverdue,
    TaskProgressReported,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    UnitRef,
)
from shared.errors import InvalidField, InvalidTransition

AT = dt.datetime(2020, 4, 20, 9, 0, tzinfo=VN_TZ)
VP = UnitRef(code="VP", name="Văn phòng Sở")
CD = UnitRef(code="CDCQ", name="Công đoàn cơ quan")
TTR = UnitRef(code="TTR", name="Thanh tra Sở")


def issued(*assignments: Assignment, date: dt.date = dt.date(2020, 4, 20)) -> DirectiveIssued:
    return DirectiveIssued(
        agency="sxd-thanhhoa",
        directive_id=uuid.UUID(int=7),
        reference="05/TB-SXD",
        issued_at=AT,
        content=DirectiveContent(
            doc_type=DocType.NOTICE, subject="Triển khai", date=date, assignments=assignments
        ),
    )


REPORT = Assignment(
    lead_unit=VP,
    action="Tổng hợp, báo cáo kết quả",
    deadline=Deadline(kind=DeadlineKind.YEARLY, day=15, month=12),
)
INSPECT = Assignment(lead_unit=VP, coordinating_units=(CD, TTR), action="Kiểm tra, giám sát")


def test_one_task_per_assignment_with_its_units_and_due_date() -> None:
    tasks = expansion.tasks_for_directive(issued(INSPECT, REPORT))
    assert [(t.lead_unit.code, t.due_date, t.occurrence) for t in tasks] == [
        ("VP", None, None),
        ("VP", dt.date(2020, 12, 15), 2020),
    ]
    assert tasks[0].coordinating_units == (CD, TTR)
    assert len({t.id for t in tasks}) == 2


def test_task_ids_are_stable_so_redelivery_creates_nothing_new() -> None:
    first = expansion.tasks_for_directive(issued(INSPECT, REPORT))
    again = expansion.tasks_for_directive(issued(INSPECT, REPORT))
    assert [t.id for t in first] == [t.id for t in again]


def test_yearly_duty_gets_next_occurrence_with_new_id() -> None:
    (this_year,) = expansion.tasks_for_directive(issued(REPORT))
    following = expansion.next_occurrence(this_year)
    assert following is not None
    assert following.occurrence == 2021
    assert following.due_date == dt.date(2021, 12, 15)
    assert following.id != this_year.id
    assert expansion.next_occurrence(expansion.tasks_for_directive(issued(INSPECT))[0]) is None


def test_issued_after_the_yearly_deadline_starts_with_next_year() -> None:
    (task,) = expansion.tasks_for_directive(issued(REPORT, date=dt.date(2020, 12, 20)))
    assert task.due_date == dt.date(2021, 12, 15)


def task(due: dt.date | None = dt.date(2020, 12, 15)) -> Task:
    (t,) = expansion.tasks_for_directive(issued(REPORT))
    return Task(**{**t.__dict__, "due_date": due})


def test_lifecycle_and_history() -> None:
    changed = (
        task()
        .acknowledge(AT, "Chánh Văn phòng")
        .then(lambda t: t.report_progress(AT, 40, "Đã dự thảo"))
        .then(lambda t: t.complete(AT, dt.date(2020, 12, 14), "Đã gửi báo cáo", 12))
    )
    t = changed.state
    assert t.status is Status.COMPLETED and t.on_time is True and t.percent == 100
    assert [h.kind for h in t.history] == ["acknowledged", "progress_reported", "completed"]
    # Each step says what happened, about this task, at that time.
    assert [type(e) for e in changed.events] == [
        TaskAcknowledged,
        TaskProgressReported,
        TaskCompleted,
    ]
    assert all(isinstance(e, TaskEvent) and (e.task_id, e.at) == (t.id, AT) for e in changed.events)
    done = changed.events[-1]
    assert isinstance(done, TaskCompleted)
    assert done.on_time and done.staff_reached == 12 and done.due_date == t.due_date
    with pytest.raises(InvalidTransition):
        t.complete(AT, dt.date(2020, 12, 14), "again", None)


def test_completion_after_the_deadline_is_late() -> None:
    changed = task().complete(AT, dt.date(2020, 12, 16), "Muộn", None)
    assert changed.state.on_time is False
    (event,) = changed.events
    assert isinstance(event, TaskCompleted) and event.on_time is False


def test_progress_cannot_go_back() -> None:
    t = task().report_progress(AT, 50, "").state
    with pytest.raises(InvalidTransition):
        t.report_progress(AT, 30, "")


def test_extension_needs_a_reason_and_a_later_date_and_is_kept_in_history() -> None:
    t = task()
    with pytest.raises(InvalidTransition, match="not after the deadline 15/12/2020"):
        t.request_extension(AT, dt.date(2020, 12, 1), "sớm hơn")
    with pytest.raises(InvalidField) as caught:
        t.request_extension(AT, dt.date(2020, 12, 30), " ")
    assert caught.value.field == "reason"
    changed = t.request_extension(AT, dt.date(2020, 12, 30), "Chờ số liệu của các phòng").then(
        lambda t: t.grant_extension(AT, "Đồng ý")
    )
    t = changed.state
    requested, granted = changed.events
    assert isinstance(requested, TaskExtensionRequested)
    assert requested.requested_due_date == dt.date(2020, 12, 30)
    assert isinstance(granted, TaskExtensionGranted)
    assert granted.previous_due_date == dt.date(2020, 12, 15)
    assert granted.new_due_date == dt.date(2020, 12, 30) and granted.reason == "Đồng ý"
    assert t.due_date == dt.date(2020, 12, 30)
    assert t.pending_extension is None
    assert [h.kind for h in t.history] == ["extension_requested", "extension_granted"]
    assert t.history[1].data["previous_due_date"] == "2020-12-15"
    with pytest.raises(InvalidTransition):
        t.grant_extension(AT, "không có yêu cầu")


def test_overdue_is_flagged_once() -> None:
    t = task()
    assert t.mark_overdue(AT, dt.date(2020, 12, 15)) is None
    changed = t.mark_overdue(AT, dt.date(2020, 12, 16))
    assert changed is not None and changed.state.overdue_notified
    (event,) = changed.events
    assert isinstance(event, TaskOverdue) and event.due_date == dt.date(2020, 12, 15)
    assert changed.state.mark_overdue(AT, dt.date(2020, 12, 17)) is None
    assert task(due=None).mark_overdue(AT, dt.date(2030, 1, 1)) is None


def test_cancelled_task_accepts_no_more_work() -> None:
    changed = task().cancel(AT, "thu hồi", because="Văn bản 05/TB-SXD bị thu hồi: thu hồi")
    t = changed.state
    assert t.status is Status.CANCELLED
    assert t.history[-1].data["reason"] == "Văn bản 05/TB-SXD bị thu hồi: thu hồi"
    (event,) = changed.events
    assert isinstance(event, TaskCancelled) and event.reason == "thu hồi"
    with pytest.raises(InvalidTransition):
        t.acknowledge(AT, None)


def test_task_ids_stay_the_uuid5_of_what_identifies_the_duty() -> None:
    """Ids written by earlier versions must come out again (a redelivered directive
    adds no task), whether the directive's id comes as a UUID or as text."""
    directive = uuid.UUID("0d9c1f5e-2b7a-4c3e-9f1d-8a6b5c4d3e2f")
    expected = uuid.uuid5(expansion.TASK_NAMESPACE, f"{directive}/2/QLXD/None")
    assert expansion.task_id(directive, 2, "QLXD", None) == expected
    assert expansion.task_id(str(directive), 2, "QLXD", None) == expected
    assert expansion.task_id(directive, 2, "QLXD", 3) != expected
