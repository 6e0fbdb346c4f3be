"""The inspections service's handlers on a real PostgreSQL: inspections and violations
read back through the service's queries, and the events staged in the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from services.directives.domain.directory import load_directory
from services.inspections.adapters.tables import metadata
from services.inspections.domain.criteria import load_criteria
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.planning import Plan
from services.inspections.domain.values import DecidingDocument, Finding, Result, Role, TeamMember
from services.inspections.domain.violation import Violation
from services.inspections.handlers import InspectionService
from services.inspections.settings import InspectionsSettings
from shared.clock import VN_TZ
from shared.contracts.events import (
    AreaSummary,
    InspectionArea,
    InspectionCompleted,
    OrgDirectoryPublished,
    Severity,
    UnitSummary,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import Unit, UnitRef
from shared.errors import DomainError, InvalidField, InvalidTransition, NotFound
from shared.settings import REPO_ROOT
from tests.service.conftest import (
    INSPECTOR_SGTVT,
    INSPECTOR_SXD,
    ServiceDb,
    deliver,
    redeliver,
)

SERVICE = "inspections"
METADATA = metadata
CONSUMER = "inspections"

AGENCY = "sxd-thanhhoa"
DIRECTORY = load_directory(REPO_ROOT / "services" / "directives" / "directories" / f"{AGENCY}.yaml")
CRITERIA = load_criteria(InspectionsSettings().criteria_file)
KHTC = UnitRef(code="KHTC", name="Phòng Kế hoạch - Tài chính")
QHKT = UnitRef(code="QHKT", name="Phòng Quy hoạch - Kiến trúc")
DECISION = DecidingDocument("45", "QĐ-SXD", dt.date(2020, 4, 20), "Giám đốc Sở Xây dựng")
TEAM = (
    TeamMember("Lê Văn Hùng", Role.HEAD, "VP"),
    TeamMember("Nguyễn Thị Lan", Role.DEPUTY, "CDCQ"),
    TeamMember("Trần Minh Đức", Role.MEMBER, "TTr"),
)
PLAN = Plan(
    agency=AGENCY,
    title="Kiểm tra việc thực hiện văn hóa công vụ năm 2020",
    decision=DECISION,
    team=TEAM,
    targets=("KHTC", "QHKT"),
    period_start=dt.date(2020, 4, 21),
    period_end=dt.date(2020, 4, 30),
    scope=("ATT-HOURS", "CONDUCT-4X", "ETH-ALCOHOL", "DRESS-BADGE"),
)
VISIT = dt.date(2020, 4, 22)  # the team visits both units on this day
DUE = dt.date(2020, 5, 22)  # remediation deadline of the findings, a Friday


def local(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment on a Hà Nội wall clock."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN_TZ)


def directory_published(units: tuple[Unit, ...] = DIRECTORY.units) -> OrgDirectoryPublished:
    return OrgDirectoryPublished(
        agency=DIRECTORY.code,
        agency_name=DIRECTORY.name,
        short_name=DIRECTORY.short_name,
        province=DIRECTORY.province,
        units=units,
    )


def ok(unit: str, criterion: str, on: dt.date = VISIT) -> Result:
    return Result(unit, criterion, on, local(on, 16))


def finding(
    unit: str, criterion: str, severity: Severity, description: str, due: dt.date = DUE
) -> Result:
    found = Finding(severity, description, due, evidence="Biên bản kiểm tra", person="Ô. Bình")
    return Result(unit, criterion, VISIT, local(VISIT, 16), found)


# What the team found: KHTC drank at lunch and went without badges; QHKT was fine.
RESULTS = (
    ok("KHTC", "ATT-HOURS"),
    finding("KHTC", "ETH-ALCOHOL", Severity.SERIOUS, "Uống rượu bia trong giờ nghỉ trưa"),
    finding("KHTC", "DRESS-BADGE", Severity.MINOR, "Không đeo thẻ công chức khi tiếp dân"),
    ok("QHKT", "CONDUCT-4X"),
)


@pytest.fixture
def svc(service_db: ServiceDb) -> InspectionService:
    return InspectionService(service_db.db, service_db.outbox, service_db.clock, CRITERIA)


# Every command and query of these tests is the department's inspector's.
ME = INSPECTOR_SXD


async def listed(
    svc: InspectionService, *, agency: str | None = None, status: Status | None = None
) -> list[Inspection]:
    """Every inspection the list query gives: these tests stay within its first page,
    which says no other follows."""
    page = await svc.find(ME, agency=agency, status=status)
    assert page.next_key is None
    return page.items


async def violations_of(
    svc: InspectionService,
    *,
    unit: str | None = None,
    resolved: bool | None = None,
    inspection_id: uuid.UUID | None = None,
) -> list[Violation]:
    """Every violation the list query gives (first page only, none follows)."""
    page = await svc.find_violations(ME, unit=unit, resolved=resolved, inspection_id=inspection_id)
    assert page.next_key is None
    return page.items


async def refused(
    sdb: ServiceDb,
    svc: InspectionService,
    command: Callable[[], Awaitable[object]],
    error: type[DomainError],
    field: str | None = None,
    *,
    match: str | None = None,
) -> None:
    """The command raises `error` (naming `field`, saying `match`) and leaves every
    inspection, every violation and the outbox exactly as they were."""
    inspections, violations = await listed(svc), await violations_of(svc)
    staged = await sdb.staged()
    with pytest.raises(error, match=match) as caught:
        await command()
    if field is not None:
        assert isinstance(caught.value, InvalidField)
        assert caught.value.field == field
    assert await listed(svc) == inspections
    assert await violations_of(svc) == violations
    assert await sdb.staged() == staged


async def completed_inspection(sdb: ServiceDb, svc: InspectionService) -> uuid.UUID:
    """With the directory known: plan, visit on VISIT, record RESULTS, complete the
    next day; the outbox emptied."""
    await deliver(sdb, svc.event_handlers(), directory_published(), CONSUMER)
    planned = await svc.plan(PLAN, ME)
    sdb.move_clock(local(VISIT, 17))
    await svc.record_results(planned.id, RESULTS, ME)
    sdb.move_clock(local(VISIT + dt.timedelta(days=1)))
    await svc.complete(planned.id, ME)
    await sdb.forget_staged()
    return planned.id


# --- plan and org.directory_published ----------------------------------------------------


async def test_before_any_directory_a_plan_is_taken_as_given_and_tells_no_one(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    planned = await svc.plan(replace(PLAN, targets=("XYZ",)), ME)

    stored = await svc.get(planned.id, ME)
    assert stored == planned
    assert (stored.status, stored.agency, stored.title) == (Status.PLANNED, AGENCY, PLAN.title)
    assert stored.targets == (UnitRef(code="XYZ", name="XYZ"),)
    assert [c.code for c in stored.scope] == list(PLAN.scope or ())
    assert (stored.team, stored.decision, stored.created_at) == (
        TEAM,
        DECISION,
        service_db.clock.now(),
    )
    assert await listed(svc, agency=AGENCY) == [stored]
    assert await service_db.staged() == []

    # A plan that breaks a rule is refused naming the field, and nothing is stored.
    await refused(
        service_db, svc, lambda: svc.plan(replace(PLAN, title=" "), ME), InvalidField, "title"
    )
    await refused(
        service_db, svc, lambda: svc.plan(replace(PLAN, team=TEAM[1:]), ME), InvalidField, "team"
    )
    await refused(
        service_db,
        svc,
        lambda: svc.plan(replace(PLAN, scope=("ATT-HOURS", "ETH-KARAOKE")), ME),
        InvalidField,
        "scope.1",
    )
    await refused(service_db, svc, lambda: svc.get(uuid.uuid4(), ME), NotFound)


async def test_once_a_directory_is_known_a_plan_names_units_and_refuses_unknown_ones(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    await deliver(service_db, svc.event_handlers(), directory_published(), CONSUMER)
    assert await service_db.staged() == []

    planned = await svc.plan(PLAN, ME)
    assert (await svc.get(planned.id, ME)).targets == (KHTC, QHKT)

    # The inspector of a department whose directory has not arrived, planning for it.
    sgtvt = INSPECTOR_SGTVT
    await refused(
        service_db,
        svc,
        lambda: svc.plan(replace(PLAN, agency="sgtvt-thanhhoa"), sgtvt),
        InvalidField,
        "agency",
        match="unknown agency 'sgtvt-thanhhoa'",
    )
    await refused(
        service_db,
        svc,
        lambda: svc.plan(replace(PLAN, targets=("KHTC", "XYZ")), ME),
        InvalidField,
        "targets.1",
        match="unknown unit 'XYZ'",
    )
    stranger = TeamMember("Phạm Văn An", Role.MEMBER, "PX")
    await refused(
        service_db,
        svc,
        lambda: svc.plan(replace(PLAN, team=(*TEAM, stranger)), ME),
        InvalidField,
        "team.3.unit",
    )
    assert [i.id for i in await listed(svc)] == [planned.id]


async def test_a_newer_directory_replaces_the_old_and_a_redelivered_old_one_changes_nothing(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    handlers = svc.event_handlers()
    full = await deliver(service_db, handlers, directory_published(), CONSUMER)
    without_qhkt = tuple(u for u in DIRECTORY.units if u.code != "QHKT")
    await deliver(service_db, handlers, directory_published(without_qhkt), CONSUMER)
    await redeliver(service_db, handlers, full, CONSUMER)
    assert await service_db.handled() == 2

    await refused(service_db, svc, lambda: svc.plan(PLAN, ME), InvalidField, "targets.1")
    planned = await svc.plan(replace(PLAN, targets=("KHTC",)), ME)
    assert planned.targets == (KHTC,)
    assert await service_db.staged() == []


# --- results and completion --------------------------------------------------------------


async def test_results_are_kept_while_planned_replaced_when_recorded_again_and_told_no_one(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    planned = await svc.plan(PLAN, ME)
    service_db.move_clock(local(VISIT, 17))

    def record(inspection_id: uuid.UUID, found: list[Result]) -> Awaitable[Inspection]:
        return svc.record_results(inspection_id, found, ME)

    await record(planned.id, [ok("QHKT", "CONDUCT-4X"), ok("KHTC", "DRESS-BADGE")])
    badge = finding("KHTC", "DRESS-BADGE", Severity.MINOR, "Không đeo thẻ")
    await record(planned.id, [badge])

    stored = await svc.get(planned.id, ME)
    assert stored.status is Status.PLANNED
    # One result per unit and criterion, in the plan's order (targets, then scope).
    assert [(r.unit, r.criterion, r.finding) for r in stored.results] == [
        ("KHTC", "DRESS-BADGE", badge.finding),
        ("QHKT", "CONDUCT-4X", None),
    ]
    assert await violations_of(svc) == []  # findings become violations on completion
    assert await service_db.staged() == []

    pid = planned.id
    await refused(
        service_db, svc, lambda: record(pid, [ok("VP", "ATT-HOURS")]), InvalidField, "0.unit"
    )
    await refused(
        service_db,
        svc,
        lambda: record(pid, [ok("KHTC", "ATT-HOURS"), ok("KHTC", "DRESS-UNIFORM")]),
        InvalidField,
        "1.criterion",
    )
    await refused(
        service_db,
        svc,
        lambda: record(pid, [ok("KHTC", "ATT-HOURS", VISIT + dt.timedelta(days=1))]),
        InvalidField,
        "0.inspected_on",
        match="future",
    )
    await refused(
        service_db,
        svc,
        lambda: record(pid, [finding("QHKT", "ATT-HOURS", Severity.MINOR, "Đi muộn", VISIT)]),
        InvalidField,
        "0.finding.remediation_due",
    )
    await refused(
        service_db,
        svc,
        lambda: record(pid, [ok("QHKT", "ATT-HOURS"), badge, ok("QHKT", "ATT-HOURS")]),
        InvalidField,
        "2",
    )
    await refused(service_db, svc, lambda: record(uuid.uuid4(), [badge]), NotFound)


async def test_completing_stages_the_summary_then_one_violation_recorded_per_finding(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    await deliver(service_db, svc.event_handlers(), directory_published(), CONSUMER)
    planned = await svc.plan(PLAN, ME)
    service_db.move_clock(local(VISIT, 17))
    await svc.record_results(planned.id, RESULTS[:3], ME)  # nothing yet for QHKT
    await refused(
        service_db,
        svc,
        lambda: svc.complete(planned.id, ME),
        InvalidTransition,
        match=r"no results yet for unit\(s\): QHKT$",
    )
    await svc.record_results(planned.id, RESULTS[3:], ME)
    completed_at = local(VISIT + dt.timedelta(days=1))
    service_db.move_clock(completed_at)
    await svc.complete(planned.id, ME)

    done = await svc.get(planned.id, ME)
    assert (done.status, done.completed_at) == (Status.COMPLETED, completed_at)
    assert await listed(svc, status=Status.COMPLETED) == [done]
    assert await listed(svc, status=Status.PLANNED) == []
    assert [(v.unit, v.criterion, v.severity, v.remediation_due) for v in done.violations] == [
        (KHTC, "ETH-ALCOHOL", Severity.SERIOUS, DUE),
        (KHTC, "DRESS-BADGE", Severity.MINOR, DUE),
    ]
    assert {v.id for v in await violations_of(svc, inspection_id=planned.id)} == {
        v.id for v in done.violations
    }
    assert await violations_of(svc, resolved=False, unit="KHTC") == await violations_of(svc)
    assert await violations_of(svc, unit="QHKT") == []

    summary, *recorded = await service_db.staged()
    assert isinstance(summary, InspectionCompleted)
    assert (summary.inspection_id, summary.title, summary.completed_at) == (
        planned.id,
        PLAN.title,
        completed_at,
    )
    assert summary.decision == "45/QĐ-SXD ngày 20/04/2020"
    assert summary.violation_ids == tuple(v.id for v in done.violations)

    def areas(*counts: tuple[int, int]) -> tuple[AreaSummary, ...]:
        """(compliant, findings) for attitude, conduct, ethics, dress."""
        return tuple(
            AreaSummary(area=area, compliant=compliant, findings=findings)
            for area, (compliant, findings) in zip(InspectionArea, counts, strict=True)
        )

    # KHTC: hours compliant, alcohol and badge findings; QHKT: "4 xin, 4 luôn" compliant.
    assert summary.units == (
        UnitSummary(unit=KHTC, areas=areas((1, 0), (0, 0), (0, 1), (0, 1))),
        UnitSummary(unit=QHKT, areas=areas((0, 0), (1, 0), (0, 0), (0, 0))),
    )

    assert len(recorded) == 2
    events = [e for e in recorded if isinstance(e, ViolationRecorded)]
    assert [(e.violation_id, e.unit, e.criterion, e.severity) for e in events] == [
        (v.id, v.unit, v.criterion, v.severity) for v in done.violations
    ]
    assert [e.description for e in events] == [
        "Uống rượu bia trong giờ nghỉ trưa",
        "Không đeo thẻ công chức khi tiếp dân",
    ]
    assert [e.area for e in events] == [InspectionArea.ETHICS, InspectionArea.DRESS]
    assert {(e.inspection_id, e.remediation_due, e.recorded_at) for e in events} == {
        (planned.id, DUE, completed_at)
    }

    # Completed is final: no second completion, no more results.
    await refused(service_db, svc, lambda: svc.complete(planned.id, ME), InvalidTransition)
    await refused(
        service_db,
        svc,
        lambda: svc.record_results(planned.id, [ok("QHKT", "ATT-HOURS")], ME),
        InvalidTransition,
    )
    await refused(service_db, svc, lambda: svc.complete(uuid.uuid4(), ME), NotFound)


# --- verification ------------------------------------------------------------------------


async def test_verifying_a_remedy_stages_violation_resolved_on_time_or_late_by_vietnam_date(
    svc: InspectionService, service_db: ServiceDb
) -> None:
    inspection_id = await completed_inspection(service_db, svc)
    alcohol, badge = (await svc.get(inspection_id, ME)).violations

    # 23:30 on the deadline day in Hà Nội (16:30 UTC): on time.
    on_the_day = local(DUE, 23, 30)
    service_db.move_clock(on_the_day)
    await refused(service_db, svc, lambda: svc.verify(alcohol.id, "  ", ME), InvalidField, "note")
    verified = await svc.verify(alcohol.id, "  Đã kiểm tra lại, không tái phạm ", ME)
    assert (verified.resolved_at, verified.on_time) == (on_the_day, True)
    assert verified.resolution_note == "Đã kiểm tra lại, không tái phạm"

    # 00:30 the next day in Hà Nội is still the deadline day in UTC: late.
    just_after = local(DUE + dt.timedelta(days=1), 0, 30)
    assert just_after.astimezone(dt.UTC).date() == DUE
    service_db.move_clock(just_after)
    late = await svc.verify(badge.id, "Đã đeo thẻ", ME)
    assert (late.resolved_at, late.on_time) == (just_after, False)

    on_time_event, late_event = await service_db.staged()
    assert isinstance(on_time_event, ViolationResolved)
    assert isinstance(late_event, ViolationResolved)
    assert (on_time_event.violation_id, on_time_event.on_time, on_time_event.note) == (
        alcohol.id,
        True,
        "Đã kiểm tra lại, không tái phạm",
    )
    assert (late_event.violation_id, late_event.on_time, late_event.resolved_at) == (
        badge.id,
        False,
        just_after,
    )
    assert {(e.inspection_id, e.unit) for e in (on_time_event, late_event)} == {
        (inspection_id, KHTC)
    }
    assert (on_time_event.severity, late_event.severity) == (Severity.SERIOUS, Severity.MINOR)

    stored = await violations_of(svc, inspection_id=inspection_id)
    assert {v.id: (v.resolved, v.on_time) for v in stored} == {
        alcohol.id: (True, True),
        badge.id: (True, False),
    }
    assert await violations_of(svc, resolved=False) == []
    assert (await svc.get(inspection_id, ME)).violations == (verified, late)

    # A remedy is verified once; an unknown violation is not found.
    await refused(
        service_db,
        svc,
        lambda: svc.verify(alcohol.id, "Lần hai", ME),
        InvalidTransition,
        match=f"already verified on {DUE:%d/%m/%Y}",
    )
    await refused(service_db, svc, lambda: svc.verify(uuid.uuid4(), "Đã khắc phục", ME), NotFound)
