"""The tasks service's handlers on a real PostgreSQL: tasks read back through the
service's queries, and the events staged in the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy import select

from services.directives.domain.directory import load_directory
from services.directives.domain.importer import import_letter
from services.tasks.adapters.tables import metadata
from services.tasks.domain.model import Status, Task
from services.tasks.handlers import TaskService
from shared.auth import Principal
from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope, publisher_source
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    Event,
    InspectionArea,
    OrgDirectoryPublished,
    Severity,
    TaskAcknowledged,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskExtensionGranted,
    TaskExtensionRequested,
    TaskOverdue,
    TaskProgressReported,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import DeadlineKind, Unit, UnitRef
from shared.errors import DomainError, InvalidField, InvalidTransition, NotFound
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.messaging.testing import as_record
from shared.settings import REPO_ROOT
from tests.service.conftest import (
    KHTC_HEAD,
    LEADER_SXD,
    QLHDXD_HEAD,
    VP_HEAD,
    ServiceDb,
    deliver,
    redeliver,
)

SERVICE = "tasks"
METADATA = metadata
CONSUMER = "tasks"

AGENCY = "sxd-thanhhoa"
DIRECTORY = load_directory(REPO_ROOT / "services" / "directives" / "directories" / f"{AGENCY}.yaml")
SEED = (REPO_ROOT / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt").read_text(encoding="utf-8")
CONTENT = import_letter(SEED, DIRECTORY).content
DIRECTIVE_ID = uuid.UUID("7d1c7a52-6a0e-4d8e-9d7e-2b0a0c4f1e01")
OTHER_DIRECTIVE_ID = uuid.UUID("7d1c7a52-6a0e-4d8e-9d7e-2b0a0c4f1e02")
REFERENCE = "01/TB-SXD"
# The letter's last duty: "báo cáo kết quả ... trước ngày 15/12 hằng năm".
YEARLY = next(
    i for i, a in enumerate(CONTENT.assignments) if a.deadline.kind is DeadlineKind.YEARLY
)
YEARLY_DUE = dt.date(2020, 12, 15)  # a Tuesday: overdue from Wednesday 16/12
KHTC = UnitRef(code="KHTC", name="Phòng Kế hoạch - Tài chính")
START_NOW = dt.datetime(2020, 4, 20, 9, 0, tzinfo=VN_TZ)  # the fixture's frozen clock


def local(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment on a Hà Nội wall clock."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN_TZ)


def seed_issued(directive_id: uuid.UUID = DIRECTIVE_ID, number: str = "01") -> DirectiveIssued:
    """`directive.issued` for the seed letter, numbered and dated 20/04/2020 as the
    directives service issues it."""
    content = CONTENT.model_copy(update={"number": number, "date": dt.date(2020, 4, 20)})
    return DirectiveIssued(
        agency=AGENCY,
        directive_id=directive_id,
        reference=f"{number}/{content.symbol}",
        content=content,
        issued_at=local(dt.date(2020, 4, 20)),
    )


def violation_recorded() -> ViolationRecorded:
    return ViolationRecorded(
        agency=AGENCY,
        violation_id=uuid.UUID(int=41),
        inspection_id=uuid.UUID(int=40),
        unit=KHTC,
        criterion="DRESS-BADGE",
        criterion_title="Đeo thẻ công chức, viên chức",
        area=InspectionArea.DRESS,
        severity=Severity.MINOR,
        description="Không đeo thẻ công chức khi tiếp dân",
        evidence="Ảnh chụp",
        person="Ô. Bình",
        remediation_due=dt.date(2020, 5, 22),  # a Friday
        recorded_at=local(dt.date(2020, 4, 24), 16),
    )


def violation_resolved(recorded: ViolationRecorded, at: dt.datetime) -> ViolationResolved:
    return ViolationResolved(
        agency=AGENCY,
        violation_id=recorded.violation_id,
        inspection_id=recorded.inspection_id,
        unit=recorded.unit,
        area=recorded.area,
        severity=recorded.severity,
        resolved_at=at,
        on_time=at.astimezone(VN_TZ).date() <= recorded.remediation_due,
        note="Đã đeo thẻ khi tiếp dân",
    )


def directory_published(units: tuple[Unit, ...] = DIRECTORY.units) -> OrgDirectoryPublished:
    return OrgDirectoryPublished(
        agency=DIRECTORY.code,
        agency_name=DIRECTORY.name,
        short_name=DIRECTORY.short_name,
        province=DIRECTORY.province,
        units=units,
    )


@pytest.fixture
def svc(service_db: ServiceDb) -> TaskService:
    return TaskService(service_db.db, service_db.outbox, service_db.clock)


def named(user: Principal) -> dict[str, str]:
    """How a task's history names who acted."""
    return {"subject": user.subject, "name": user.name}


async def listed(
    svc: TaskService,
    *,
    directive_id: uuid.UUID | None = None,
    unit: str | None = None,
    user: Principal = LEADER_SXD,
) -> list[Task]:
    """Every task the list query gives `user` (the leader: the whole department), in
    list order: these tests stay within its first page, which says no other follows."""
    page = await svc.find(user, directive_id=directive_id, unit=unit)
    assert page.next_key is None
    return page.items


async def issue_seed(sdb: ServiceDb, svc: TaskService) -> list[Task]:
    """Deliver the seed's `directive.issued`; its tasks, with the outbox emptied."""
    await deliver(sdb, svc.event_handlers(), seed_issued(), CONSUMER)
    tasks = await listed(svc, directive_id=DIRECTIVE_ID)
    assert len(tasks) == len(CONTENT.assignments)
    await sdb.forget_staged()
    return tasks


async def refused(
    sdb: ServiceDb,
    svc: TaskService,
    command: Callable[[], Awaitable[object]],
    error: type[DomainError],
    field: str | None = None,
    *,
    match: str | None = None,
) -> None:
    """The command raises `error` (naming `field`, saying `match`) and leaves every
    task and the outbox exactly as they were."""
    tasks, staged = await listed(svc), await sdb.staged()
    with pytest.raises(error, match=match) as caught:
        await command()
    if field is not None:
        assert isinstance(caught.value, InvalidField)
        assert caught.value.field == field
    assert await listed(svc) == tasks
    assert await sdb.staged() == staged


E = TypeVar("E", bound=Event)


def only(events: list[Event], kind: type[E]) -> list[E]:
    """The events, all of type `kind` (fails if any is not)."""
    assert [type(e) for e in events] == [kind] * len(events)
    return [e for e in events if isinstance(e, kind)]


# --- directive.issued / directive.revoked ------------------------------------------------


async def test_a_directive_issued_once_yields_one_task_per_assignment_and_lead_unit(
    svc: TaskService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    event = seed_issued()
    sent = await deliver(service_db, handlers, event, CONSUMER)

    tasks = await listed(svc, directive_id=DIRECTIVE_ID)
    assert len(CONTENT.assignments) > 1
    assert [(t.assignment_index, t.lead_unit, t.coordinating_units, t.action) for t in tasks] == [
        (i, a.lead_unit, a.coordinating_units, a.action) for i, a in enumerate(CONTENT.assignments)
    ]
    assert len({t.id for t in tasks}) == len(tasks)
    assert {(t.agency, t.directive_reference, t.status) for t in tasks} == {
        (AGENCY, REFERENCE, Status.ASSIGNED)
    }
    # Only the yearly report has a due date: this year's occurrence, 15/12/2020.
    assert [(t.due_date, t.occurrence) for t in tasks] == [
        (YEARLY_DUE, 2020) if i == YEARLY else (None, None) for i in range(len(tasks))
    ]
    assert [[h.kind for h in t.history] for t in tasks] == [["assigned"]] * len(tasks)
    assert await svc.get(tasks[YEARLY].id, VP_HEAD) == tasks[YEARLY]

    staged = await service_db.staged()
    assigned = only(staged, TaskAssigned)
    assert [(e.task_id, e.assignment_index, e.lead_unit, e.due_date) for e in assigned] == [
        (t.id, t.assignment_index, t.lead_unit, t.due_date) for t in tasks
    ]
    assert {(e.directive_id, e.directive_reference, e.at) for e in assigned} == {
        (DIRECTIVE_ID, REFERENCE, service_db.clock.now())
    }

    # Kafka redelivers the same envelope; then the directives relay resends the event in
    # a new envelope: neither adds a task or stages an event.
    await redeliver(service_db, handlers, sent, CONSUMER)
    assert await service_db.handled() == 1
    await deliver(service_db, handlers, event, CONSUMER)
    assert await service_db.handled() == 2
    assert await listed(svc) == tasks
    assert await service_db.staged() == staged


async def test_a_directive_without_a_date_starts_its_duties_on_the_vietnamese_issue_day(
    svc: TaskService, service_db: ServiceDb
) -> None:
    """`content.date` may be null in the contract; then the issue day is that of
    `issued_at`, a UTC instant, which must be read as a date in Vietnam like every
    deadline. 00:30 on 16/12/2020 in Hà Nội is still 15/12 in UTC: this year's
    "15/12 hằng năm" has passed, so the first occurrence is next year's."""
    issued_at = local(dt.date(2020, 12, 16), 0, 30).astimezone(dt.UTC)  # as the clock stamps it
    service_db.move_clock(issued_at)
    event = DirectiveIssued(
        agency=AGENCY,
        directive_id=DIRECTIVE_ID,
        reference=REFERENCE,
        content=CONTENT.model_copy(update={"number": "01", "date": None}),
        issued_at=issued_at,
    )
    await deliver(service_db, svc.event_handlers(), event, CONSUMER)

    yearly = (await listed(svc, directive_id=DIRECTIVE_ID))[YEARLY]
    assert (yearly.occurrence, yearly.due_date) == (2021, dt.date(2021, 12, 15))
    assert await svc.scan_overdue() == 0  # a duty just given is not overdue on arrival


async def test_revoking_a_directive_cancels_its_open_tasks_only(
    svc: TaskService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    tasks = await issue_seed(service_db, svc)
    await deliver(service_db, handlers, seed_issued(OTHER_DIRECTIVE_ID, "02"), CONSUMER)
    others = await listed(svc, directive_id=OTHER_DIRECTIVE_ID)
    done = tasks[0]
    assert done.deadline.kind is DeadlineKind.NONE  # completing it assigns nothing more
    assert done.lead_unit.code == "KHTC"
    await svc.complete(done.id, "Đã quán triệt tới toàn thể công chức", 12, KHTC_HEAD)
    await service_db.forget_staged()

    revoked = DirectiveRevoked(
        agency=AGENCY,
        directive_id=DIRECTIVE_ID,
        reference=REFERENCE,
        reason="Ban hành nhầm",
        revoked_at=service_db.clock.now(),
    )
    sent = await deliver(service_db, handlers, revoked, CONSUMER)

    after = await listed(svc, directive_id=DIRECTIVE_ID)
    assert [(t.id, t.status) for t in after] == [
        (t.id, Status.COMPLETED if t.id == done.id else Status.CANCELLED) for t in tasks
    ]
    assert after[0].result == "Đã quán triệt tới toàn thể công chức"
    last = after[YEARLY].history[-1]
    assert last.kind == "cancelled"
    assert last.data["reason"] == "Văn bản 01/TB-SXD bị thu hồi: Ban hành nhầm"
    # The other directive's tasks are untouched.
    assert await listed(svc, directive_id=OTHER_DIRECTIVE_ID) == others

    staged = await service_db.staged()
    cancelled = only(staged, TaskCancelled)
    assert [e.task_id for e in cancelled] == [t.id for t in tasks if t.id != done.id]
    assert {(e.reason, e.directive_id, e.at) for e in cancelled} == {
        ("Ban hành nhầm", DIRECTIVE_ID, service_db.clock.now())
    }

    # A cancelled task takes no more work.
    assert after[1].lead_unit.code == "QLHDXD"
    await refused(
        service_db, svc, lambda: svc.acknowledge(after[1].id, None, QLHDXD_HEAD), InvalidTransition
    )

    before = await listed(svc)
    await redeliver(service_db, handlers, sent, CONSUMER)
    assert await listed(svc) == before
    assert await service_db.staged() == staged


# --- commands ---------------------------------------------------------------------------


async def test_acknowledging_once_stages_task_acknowledged(
    svc: TaskService, service_db: ServiceDb
) -> None:
    task = (await issue_seed(service_db, svc))[YEARLY]
    acknowledged = await svc.acknowledge(task.id, "Chánh Văn phòng", VP_HEAD)

    stored = await svc.get(task.id, VP_HEAD)
    assert stored == acknowledged
    assert stored.status is Status.ACKNOWLEDGED
    assert [(h.kind, h.data) for h in stored.history][-1] == (
        "acknowledged",
        {"by": "Chánh Văn phòng", "actor": named(VP_HEAD)},
    )
    (event,) = only(await service_db.staged(), TaskAcknowledged)
    assert (event.task_id, event.by, event.at) == (task.id, "Chánh Văn phòng", START_NOW)

    ack = svc.acknowledge
    await refused(service_db, svc, lambda: ack(task.id, "lần hai", VP_HEAD), InvalidTransition)
    await refused(service_db, svc, lambda: ack(uuid.uuid4(), None, VP_HEAD), NotFound)


async def test_reporting_progress_moves_forward_only(
    svc: TaskService, service_db: ServiceDb
) -> None:
    task = (await issue_seed(service_db, svc))[YEARLY]
    await svc.report_progress(task.id, 40, "Đã dự thảo báo cáo", VP_HEAD)

    stored = await svc.get(task.id, VP_HEAD)
    assert (stored.status, stored.percent) == (Status.IN_PROGRESS, 40)
    assert stored.history[-1].data == {
        "percent": 40,
        "note": "Đã dự thảo báo cáo",
        "actor": named(VP_HEAD),
    }
    (event,) = only(await service_db.staged(), TaskProgressReported)
    assert (event.task_id, event.percent, event.note) == (task.id, 40, "Đã dự thảo báo cáo")

    report = svc.report_progress
    vp = VP_HEAD
    await refused(service_db, svc, lambda: report(task.id, 101, "", vp), InvalidField, "percent")
    await refused(service_db, svc, lambda: report(task.id, -1, "", vp), InvalidField, "percent")
    await refused(service_db, svc, lambda: report(task.id, 30, "lùi", vp), InvalidTransition)
    await refused(service_db, svc, lambda: report(uuid.uuid4(), 50, "", vp), NotFound)


async def test_completing_needs_a_result_and_happens_once(
    svc: TaskService, service_db: ServiceDb
) -> None:
    task = (await issue_seed(service_db, svc))[0]
    assert task.due_date is None  # "quán triệt, tuyên truyền": no deadline, never late

    khtc = KHTC_HEAD  # the lead unit of the letter's first duty
    await refused(
        service_db, svc, lambda: svc.complete(task.id, "  ", 5, khtc), InvalidField, "result"
    )
    await svc.complete(task.id, "Đã phổ biến tới 8 công chức", 8, khtc)

    stored = await svc.get(task.id, khtc)
    assert (stored.status, stored.percent, stored.on_time) == (Status.COMPLETED, 100, True)
    assert (stored.result, stored.staff_reached, stored.completed_at) == (
        "Đã phổ biến tới 8 công chức",
        8,
        START_NOW,
    )
    (event,) = only(await service_db.staged(), TaskCompleted)
    assert (event.task_id, event.result, event.on_time, event.staff_reached) == (
        task.id,
        "Đã phổ biến tới 8 công chức",
        True,
        8,
    )
    assert event.due_date is None

    await refused(
        service_db, svc, lambda: svc.complete(task.id, "lần hai", 8, khtc), InvalidTransition
    )
    await refused(service_db, svc, lambda: svc.complete(uuid.uuid4(), "x", None, khtc), NotFound)


async def test_completing_a_yearly_occurrence_assigns_the_next_in_the_same_transaction(
    svc: TaskService, service_db: ServiceDb
) -> None:
    this_year = (await issue_seed(service_db, svc))[YEARLY]
    await svc.complete(this_year.id, "Đã gửi báo cáo năm 2020", None, VP_HEAD)

    completed, assigned = await service_db.staged()
    assert isinstance(completed, TaskCompleted) and isinstance(assigned, TaskAssigned)
    assert (completed.task_id, completed.on_time, completed.due_date) == (
        this_year.id,
        True,
        YEARLY_DUE,
    )
    assert assigned.task_id != this_year.id
    assert (assigned.occurrence, assigned.due_date) == (2021, dt.date(2021, 12, 15))
    assert (assigned.assignment_index, assigned.lead_unit, assigned.action) == (
        this_year.assignment_index,
        this_year.lead_unit,
        this_year.action,
    )
    # Both rows were written by one transaction: PostgreSQL's now() is its start time.
    outbox = service_db.metadata.tables["outbox"]
    async with service_db.db.sessions() as session:
        written = (await session.execute(select(outbox.c.created_at))).scalars().all()
    assert len(written) == 2 and written[0] == written[1]

    following = await svc.get(assigned.task_id, VP_HEAD)
    assert (following.status, following.occurrence, following.due_date) == (
        Status.ASSIGNED,
        2021,
        dt.date(2021, 12, 15),
    )
    assert (await svc.get(this_year.id, VP_HEAD)).status is Status.COMPLETED
    yearly = [
        t for t in await listed(svc, directive_id=DIRECTIVE_ID) if t.assignment_index == YEARLY
    ]
    assert [(t.occurrence, t.status) for t in sorted(yearly, key=lambda t: t.occurrence or 0)] == [
        (2020, Status.COMPLETED),
        (2021, Status.ASSIGNED),
    ]


async def test_an_extension_is_requested_then_granted_with_reasons(
    svc: TaskService, service_db: ServiceDb
) -> None:
    tasks = await issue_seed(service_db, svc)
    task = tasks[YEARLY]
    sunday = dt.date(2020, 12, 20)

    # The Office asks (its duty), the Director grants.
    def request(
        task_id: uuid.UUID, new_due: dt.date, reason: str, user: Principal = VP_HEAD
    ) -> Awaitable[Task]:
        return svc.request_extension(task_id, new_due, reason, user)

    def grant(task_id: uuid.UUID, reason: str, new_due: dt.date | None) -> Awaitable[Task]:
        return svc.grant_extension(task_id, reason, new_due, LEADER_SXD)

    await refused(
        service_db,
        svc,
        lambda: grant(task.id, "Đồng ý", None),
        InvalidTransition,
        match="no pending extension",
    )
    # A date not after the current deadline conflicts with it (409), whatever the reason.
    await refused(
        service_db,
        svc,
        lambda: request(task.id, dt.date(2020, 12, 1), "Chờ số liệu"),
        InvalidTransition,
        match="not after the deadline 15/12/2020",
    )
    await refused(service_db, svc, lambda: request(task.id, sunday, " "), InvalidField, "reason")
    await refused(
        service_db,
        svc,
        lambda: request(tasks[0].id, sunday, "Chờ", KHTC_HEAD),
        InvalidTransition,
        match="no deadline to extend",
    )
    await refused(service_db, svc, lambda: request(uuid.uuid4(), sunday, "Chờ"), NotFound)

    await request(task.id, sunday, "Chờ số liệu của các phòng")
    pending = await svc.get(task.id, VP_HEAD)
    assert pending.due_date == YEARLY_DUE
    assert pending.pending_extension is not None
    assert pending.pending_extension.requested_due_date == sunday
    assert pending.pending_extension.reason == "Chờ số liệu của các phòng"

    await refused(service_db, svc, lambda: grant(task.id, "  ", None), InvalidField, "reason")
    await refused(
        service_db,
        svc,
        lambda: grant(task.id, "Đồng ý", dt.date(2020, 12, 10)),
        InvalidTransition,
        match="must be after the current one",
    )
    await grant(task.id, "Đồng ý", None)

    granted = await svc.get(task.id, VP_HEAD)
    assert (granted.due_date, granted.pending_extension) == (sunday, None)
    assert [h.kind for h in granted.history] == [
        "assigned",
        "extension_requested",
        "extension_granted",
    ]
    requested_event, granted_event = await service_db.staged()
    assert isinstance(requested_event, TaskExtensionRequested)
    assert (requested_event.task_id, requested_event.requested_due_date) == (task.id, sunday)
    assert requested_event.reason == "Chờ số liệu của các phòng"
    assert isinstance(granted_event, TaskExtensionGranted)
    assert (granted_event.previous_due_date, granted_event.new_due_date) == (YEARLY_DUE, sunday)
    assert granted_event.reason == "Đồng ý"

    # Due on a Sunday, the period ends on Monday (Civil Code art. 148(5)): done on
    # Monday is on time, and Monday's scan flags nothing.
    await service_db.forget_staged()
    service_db.move_clock(local(dt.date(2020, 12, 21), 16))
    assert await svc.scan_overdue() == 0
    await svc.complete(task.id, "Đã gửi báo cáo", None, VP_HEAD)
    completed, _next_year = await service_db.staged()
    assert isinstance(completed, TaskCompleted) and completed.on_time is True
    assert (await svc.get(task.id, VP_HEAD)).on_time is True


async def test_scanning_flags_an_overdue_task_once(svc: TaskService, service_db: ServiceDb) -> None:
    tasks = await issue_seed(service_db, svc)
    task = tasks[YEARLY]

    service_db.move_clock(local(YEARLY_DUE, 23, 59))  # the deadline day: not yet
    assert await svc.scan_overdue() == 0
    assert await service_db.staged() == []

    service_db.move_clock(local(dt.date(2020, 12, 16), 0, 5))
    assert await svc.scan_overdue() == 1
    overdue, next_year = await service_db.staged()
    assert isinstance(overdue, TaskOverdue)
    assert (overdue.task_id, overdue.due_date, overdue.occurrence) == (task.id, YEARLY_DUE, 2020)
    assert overdue.at == service_db.clock.now()
    # The passed deadline closes this year's occurrence: next year's is assigned.
    assert isinstance(next_year, TaskAssigned)
    assert (next_year.occurrence, next_year.due_date) == (2021, dt.date(2021, 12, 15))
    flagged = await svc.get(task.id, VP_HEAD)
    assert flagged.overdue_notified and flagged.status is Status.ASSIGNED  # still open
    assert flagged.history[-1].kind == "overdue"
    # Tasks without a date are never overdue.
    assert [t.overdue_notified for t in await listed(svc, directive_id=DIRECTIVE_ID)].count(
        True
    ) == 1

    # Scanned again, the same day and the next: nothing more.
    await service_db.forget_staged()
    after_first = await listed(svc)
    assert await svc.scan_overdue() == 0
    service_db.move_clock(local(dt.date(2020, 12, 17)))
    assert await svc.scan_overdue() == 0
    assert await listed(svc) == after_first
    assert await service_db.staged() == []

    # An extension granted late, then missed too, is not announced a second time.
    await svc.request_extension(task.id, dt.date(2020, 12, 31), "Thiếu số liệu", VP_HEAD)
    await svc.grant_extension(task.id, "Đồng ý", None, LEADER_SXD)
    service_db.move_clock(local(dt.date(2021, 1, 5)))
    await service_db.forget_staged()
    assert await svc.scan_overdue() == 0
    assert await service_db.staged() == []

    # Completed late: on_time is false, and next year's task is not assigned twice.
    await svc.complete(task.id, "Báo cáo muộn", None, VP_HEAD)
    (completed,) = await service_db.staged()
    assert isinstance(completed, TaskCompleted) and completed.on_time is False
    assert len(await listed(svc, directive_id=DIRECTIVE_ID)) == len(tasks) + 1


# --- violation.recorded / violation.resolved ---------------------------------------------


async def test_a_violation_recorded_opens_a_remediation_task_and_resolved_completes_it(
    svc: TaskService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    recorded = violation_recorded()
    sent = await deliver(service_db, handlers, recorded, CONSUMER)

    (task,) = await listed(svc, unit="KHTC")
    assert (task.violation_id, task.directive_id, task.directive_reference) == (
        recorded.violation_id,
        None,
        None,
    )
    assert (task.lead_unit, task.due_date, task.status) == (
        KHTC,
        dt.date(2020, 5, 22),
        Status.ASSIGNED,
    )
    assert recorded.description in task.action and recorded.criterion_title in task.action
    (assigned,) = only(await service_db.staged(), TaskAssigned)
    assert (assigned.task_id, assigned.violation_id, assigned.directive_id) == (
        task.id,
        recorded.violation_id,
        None,
    )
    assert (assigned.lead_unit, assigned.due_date) == (KHTC, dt.date(2020, 5, 22))

    # Redelivered, then resent by the inspections relay in a new envelope: still one task.
    await service_db.forget_staged()
    await redeliver(service_db, handlers, sent, CONSUMER)
    await deliver(service_db, handlers, recorded, CONSUMER)
    assert await listed(svc) == [task]
    assert await service_db.staged() == []

    # Verified at 00:30 on Saturday 23/05 in Hà Nội, still Friday 22/05 in UTC: late,
    # since the deadline is a Vietnamese date.
    verified_at = local(dt.date(2020, 5, 23), 0, 30).astimezone(dt.UTC)
    assert verified_at.date() == dt.date(2020, 5, 22)
    resolved = violation_resolved(recorded, verified_at)
    sent = await deliver(service_db, handlers, resolved, CONSUMER)

    done = await svc.get(task.id, KHTC_HEAD)
    assert (done.status, done.completed_at, done.on_time) == (
        Status.COMPLETED,
        verified_at,
        False,
    )
    assert done.result is not None and resolved.note in done.result
    (completed,) = only(await service_db.staged(), TaskCompleted)
    assert (completed.task_id, completed.violation_id, completed.on_time) == (
        task.id,
        recorded.violation_id,
        False,
    )
    assert completed.result == done.result and completed.due_date == dt.date(2020, 5, 22)

    await service_db.forget_staged()
    await redeliver(service_db, handlers, sent, CONSUMER)
    assert await listed(svc) == [done]
    assert await service_db.staged() == []
    assert await service_db.handled() == 3


async def test_a_remedy_the_unit_closed_itself_is_left_as_it_is_when_verified(
    svc: TaskService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    recorded = violation_recorded()
    await deliver(service_db, handlers, recorded, CONSUMER)
    (task,) = await listed(svc)
    service_db.move_clock(local(dt.date(2020, 5, 20)))
    await svc.complete(task.id, "Đã nhắc nhở, toàn bộ công chức đeo thẻ", None, KHTC_HEAD)
    closed = await svc.get(task.id, KHTC_HEAD)
    assert closed.on_time is True
    await service_db.forget_staged()

    await deliver(
        service_db, handlers, violation_resolved(recorded, local(dt.date(2020, 5, 21))), CONSUMER
    )
    assert await listed(svc) == [closed]
    assert await service_db.staged() == []


# --- org.directory_published ------------------------------------------------------------


async def test_the_unit_directory_is_replaced_whole_and_a_redelivered_one_changes_nothing(
    svc: TaskService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    units = service_db.metadata.tables["units"]

    async def stored() -> dict[str, str]:
        async with service_db.db.sessions() as session:
            rows = await session.execute(
                select(units.c.code, units.c.name).where(units.c.agency == AGENCY)
            )
            return {code: name for code, name in rows}

    full = await deliver(service_db, handlers, directory_published(), CONSUMER)
    assert await stored() == {u.code: u.name for u in DIRECTORY.units}

    fewer = tuple(u for u in DIRECTORY.units if u.code != "QHKT")
    assert len(fewer) == len(DIRECTORY.units) - 1
    await deliver(service_db, handlers, directory_published(fewer), CONSUMER)
    assert await stored() == {u.code: u.name for u in fewer}

    # The older publication comes again: the inbox knows it, the newer copy stays.
    await redeliver(service_db, handlers, full, CONSUMER)
    assert await stored() == {u.code: u.name for u in fewer}
    assert await service_db.handled() == 2
    assert await service_db.staged() == []


async def test_a_consumer_batch_assigns_in_order_and_each_task_continues_its_directives_trace(
    svc: TaskService, service_db: ServiceDb
) -> None:
    """The consumer hands consecutive `directive.issued` of a batch to one handler call
    (issue 10): the order of the batch still holds (a revocation acts on what came
    before it, never on what follows), a redelivered batch adds nothing, and every
    `task.assigned` carries the trace of the directive that caused it."""
    first, second, third = (uuid.UUID(int=n) for n in (101, 102, 103))
    traces = {d: f"00-{d.hex}-{d.int:016x}-01" for d in (first, second, third)}

    def sent(event: Event, directive_id: uuid.UUID) -> Envelope:
        return Envelope(
            event=event,
            source=publisher_source(type(event)),
            time=service_db.clock.now(),
            traceparent=traces[directive_id],
        )

    def revoked(directive_id: uuid.UUID) -> DirectiveRevoked:
        return DirectiveRevoked(
            agency=AGENCY,
            directive_id=directive_id,
            reference="01/TB-SXD",
            reason="Ban hành nhầm",
            revoked_at=local(dt.date(2020, 4, 21)),
        )

    batch = [
        as_record(sent(seed_issued(first, "01"), first), 1),
        # Before `second` exists: cancels nothing, unless the batch were reordered.
        as_record(sent(revoked(second), second), 2),
        as_record(sent(seed_issued(second, "02"), second), 3),
        as_record(sent(revoked(first), first), 4),
        as_record(sent(seed_issued(third, "03"), third), 5),
    ]
    consumer = EventConsumer(
        service=CONSUMER,
        db=service_db.db,
        inbox=METADATA.tables["inbox"],
        handlers=svc.event_handlers(),
        dead_letters=DeadLetters(CONSUMER, lambda: pytest.fail("nothing is dead-lettered")),
    )
    await consumer.handle_batch(batch)
    await consumer.handle_batch(batch)  # redelivered: nothing twice

    duties = len(CONTENT.assignments)
    for directive, status in ((first, Status.CANCELLED), (second, None), (third, None)):
        tasks = await listed(svc, directive_id=directive)
        assert len(tasks) == duties
        if status:
            assert {t.status for t in tasks} == {status}
        else:
            assert Status.CANCELLED not in {t.status for t in tasks}
    assigned = [e for e in await service_db.envelopes() if isinstance(e.event, TaskAssigned)]
    assert len(assigned) == 3 * duties
    for envelope in assigned:
        assert isinstance(envelope.event, TaskAssigned)
        cause = envelope.event.directive_id
        assert cause is not None
        # Same trace as the directive's event; the span is the consume span of that event.
        assert envelope.traceparent is not None
        assert envelope.traceparent.split("-")[1] == traces[cause].split("-")[1]
