"""A hand-built reporting year of Sở Xây dựng Thanh Hóa (2020), shared by the reporting
tests, and checks that the fixture itself is what the tests assume.

(The reporting tests may only live in `test_reporting_*.py`, hence a test module that
is mostly a fixture.)

The year, as the Office would tell it:
- directory published 02/01/2020 (VP 14 staff, TTr 9, KHTC 8, QLHDXD 10, CDCQ 150);
- 05/TB-SXD of 20/04/2020 implements 1847/QĐ-TTg, signed by Giám đốc Đào Vũ Việt:
  T1 VP disseminates, done on time (14 reached); T2 KHTC disseminates, done late (8);
  T3 QLHDXD disseminates, never done (due 30/6: overdue); T4 VP reviews the rules,
  ongoing; T5 VP reports yearly before 15/12 (due 15/12/2020: still in deadline on
  14/12); T6 VP inspects, due 30/9, extended on 25/9 to 31/12; T7 KHTC cancelled;
  T8 TTr due 10/12, completed 16/12, after the cut-off (overdue at the cut-off);
- 10/SXD-KHTC, a capital-plan letter, unrelated to the scheme: its task T9 is ignored;
- inspection I1 completed 20/10/2020 at VP and KHTC: V1 (VP, conduct, minor) resolved
  on time 15/11; V2 (KHTC, dress, moderate) unresolved; their remediation tasks R1
  (done on time) and R2 (due 20/11, open: overdue).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from services.reporting.domain.facts import AgencyInfo, Fact
from shared.clock import VN_TZ
from shared.contracts.events import (
    AreaSummary,
    DirectiveIssued,
    Event,
    InspectionArea,
    InspectionCompleted,
    OrgDirectoryPublished,
    Severity,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskExtensionGranted,
    UnitSummary,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    DocumentRef,
    Signer,
    Unit,
    UnitKind,
    UnitRef,
)

AGENCY = "sxd-thanhhoa"
UNITS = (
    Unit(code="GD", name="Ban Giám đốc", kind=UnitKind.LEADERSHIP, staff=4),
    Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=14),
    Unit(code="TTr", name="Thanh tra Sở", kind=UnitKind.INSPECTORATE, staff=9),
    Unit(code="KHTC", name="Phòng Kế hoạch - Tài chính", kind=UnitKind.DIVISION, staff=8),
    Unit(
        code="QLHDXD",
        name="Phòng Quản lý hoạt động xây dựng",
        kind=UnitKind.DIVISION,
        staff=10,
    ),
    Unit(code="CDCQ", name="Công đoàn cơ quan", kind=UnitKind.MASS_ORGANISATION, staff=150),
    Unit(code="SNV", name="Sở Nội vụ", kind=UnitKind.EXTERNAL),
)
AGENCY_INFO = AgencyInfo(
    code=AGENCY, name="Sở Xây dựng", short_name="SXD", province="Thanh Hóa", units=UNITS
)
SIGNER = Signer(title="Giám đốc", name="Đào Vũ Việt")
DISSEMINATE = "Quán triệt, tuyên truyền, phổ biến Kế hoạch số 84/KH-UBND tới toàn thể CBCCVC"
REPORT_ACTION = "Tổng hợp, báo cáo kết quả thực hiện Quyết định số 1847/QĐ-TTg"
YEARLY_15_12 = Deadline(
    kind=DeadlineKind.YEARLY, day=15, month=12, text="trước ngày 15/12 hằng năm"
)
D1 = uuid.UUID(int=1)
D2 = uuid.UUID(int=2)
I1 = uuid.UUID(int=100)
V1 = uuid.UUID(int=101)
V2 = uuid.UUID(int=102)


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=VN_TZ)


def ref(code: str) -> UnitRef:
    unit = next(u for u in UNITS if u.code == code)
    return UnitRef(code=unit.code, name=unit.name)


def tid(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"task/{name}")


class FactLog:
    """Appends events as facts with per-topic offsets, like the consumer would."""

    def __init__(self, agency: str = AGENCY) -> None:
        self.agency = agency
        self.facts: list[Fact] = []
        self._next: Counter[str] = Counter()

    def add(self, event_id: str, event: Event, time: dt.datetime) -> str:
        offset = self._next[event.topic]
        self._next[event.topic] += 1
        self.facts.append(Fact(event_id, event.ce_type, event.topic, 0, offset, time, event))
        return event_id

    def directive(
        self,
        event_id: str,
        directive_id: uuid.UUID,
        reference: str,
        date: dt.date,
        subject: str,
        *assignments: Assignment,
        references: tuple[DocumentRef, ...] = (),
        signer: Signer | None = SIGNER,
    ) -> str:
        number, symbol = reference.split("/", 1)
        content = DirectiveContent(
            doc_type=DocType.NOTICE,
            number=number,
            symbol=symbol,
            issuer="Sở Xây dựng",
            date=date,
            subject=subject,
            references=references,
            signer=signer,
            assignments=assignments,
        )
        when = dt.datetime.combine(date, dt.time(9), VN_TZ)
        event = DirectiveIssued(
            agency=self.agency,
            directive_id=directive_id,
            reference=reference,
            content=content,
            issued_at=when,
        )
        return self.add(event_id, event, when)

    def assign(
        self,
        event_id: str,
        task: str,
        unit: str,
        when: dt.datetime,
        due: dt.date | None,
        *,
        directive: uuid.UUID | None = D1,
        violation: uuid.UUID | None = None,
        action: str = "Thực hiện nhiệm vụ",
        index: int = 0,
        deadline: Deadline | None = None,
    ) -> str:
        if deadline is None:
            deadline = Deadline(kind=DeadlineKind.DATE, date=due) if due else Deadline.none()
        event = TaskAssigned(
            agency=self.agency,
            task_id=tid(task),
            directive_id=directive,
            violation_id=violation,
            lead_unit=ref(unit),
            at=when,
            directive_reference="05/TB-SXD" if directive else "",
            assignment_index=index,
            action=action,
            deadline=deadline,
            due_date=due,
        )
        return self.add(event_id, event, when)

    def _task_event(self, task: str, unit: str, when: dt.datetime, **kw: Any) -> dict[str, Any]:
        return dict(agency=self.agency, task_id=tid(task), lead_unit=ref(unit), at=when, **kw)

    def complete(
        self,
        event_id: str,
        task: str,
        unit: str,
        when: dt.datetime,
        on_time: bool,
        staff: int | None = None,
        directive: uuid.UUID | None = D1,
    ) -> str:
        fields = self._task_event(task, unit, when, directive_id=directive)
        event = TaskCompleted(result="Đã thực hiện", on_time=on_time, staff_reached=staff, **fields)
        return self.add(event_id, event, when)

    def extend(self, event_id: str, task: str, unit: str, when: dt.datetime, new: dt.date) -> str:
        fields = self._task_event(task, unit, when, directive_id=D1)
        event = TaskExtensionGranted(
            previous_due_date=None, new_due_date=new, reason="Chờ kế hoạch", **fields
        )
        return self.add(event_id, event, when)

    def cancel(self, event_id: str, task: str, unit: str, when: dt.datetime) -> str:
        fields = self._task_event(task, unit, when, directive_id=D1)
        return self.add(event_id, TaskCancelled(reason="Không còn phù hợp", **fields), when)


def directory_event(agency: str = AGENCY) -> OrgDirectoryPublished:
    return OrgDirectoryPublished(
        agency=agency,
        agency_name="Sở Xây dựng",
        short_name="SXD",
        province="Thanh Hóa",
        units=UNITS,
    )


def violation(vid: uuid.UUID, unit: str, area: InspectionArea, sev: Severity) -> ViolationRecorded:
    return ViolationRecorded(
        agency=AGENCY,
        violation_id=vid,
        inspection_id=I1,
        unit=ref(unit),
        criterion="X",
        criterion_title="Tiêu chí",
        area=area,
        severity=sev,
        description="Vi phạm",
        remediation_due=dt.date(2020, 11, 20),
        recorded_at=at(2020, 10, 15),
    )


def year_2020() -> FactLog:
    log = FactLog()
    log.add("org", directory_event(), at(2020, 1, 2))
    scheme_ref = DocumentRef(
        doc_type="Quyết định", number="1847", symbol="QĐ-TTg", text="Quyết định số 1847/QĐ-TTg"
    )
    log.directive(
        "d1",
        D1,
        "05/TB-SXD",
        dt.date(2020, 4, 20),
        "Triển khai thực hiện Kế hoạch thực hiện Đề án",
        Assignment(lead_unit=ref("VP"), action=DISSEMINATE),
        Assignment(lead_unit=ref("VP"), action=REPORT_ACTION, deadline=YEARLY_15_12),
        references=(scheme_ref,),
    )
    start = at(2020, 4, 20, 10)
    log.assign("t1-a", "T1", "VP", start, dt.date(2020, 6, 30), action=DISSEMINATE)
    log.complete("t1-c", "T1", "VP", at(2020, 6, 10), True, staff=14)
    log.assign("t2-a", "T2", "KHTC", start, dt.date(2020, 6, 30), action=DISSEMINATE)
    log.complete("t2-c", "T2", "KHTC", at(2020, 7, 15), False, staff=8)
    log.assign("t3-a", "T3", "QLHDXD", start, dt.date(2020, 6, 30), action=DISSEMINATE)
    log.assign("t4-a", "T4", "VP", start, None, action="Rà soát quy chế", index=3)
    log.assign(
        "t5-a",
        "T5",
        "VP",
        start,
        dt.date(2020, 12, 15),
        action=REPORT_ACTION,
        index=1,
        deadline=YEARLY_15_12,
    )
    log.assign("t6-a", "T6", "VP", start, dt.date(2020, 9, 30), action="Kiểm tra", index=5)
    log.extend("t6-x", "T6", "VP", at(2020, 9, 25), dt.date(2020, 12, 31))
    log.assign("t7-a", "T7", "KHTC", start, dt.date(2020, 10, 30), index=6)
    log.cancel("t7-x", "T7", "KHTC", at(2020, 10, 1))
    log.assign("t8-a", "T8", "TTr", start, dt.date(2020, 12, 10), index=7)
    log.complete("t8-c", "T8", "TTr", at(2020, 12, 16), False)

    log.directive("d2", D2, "10/SXD-KHTC", dt.date(2020, 5, 4), "Về việc lập kế hoạch vốn năm 2021")
    log.assign("t9-a", "T9", "KHTC", at(2020, 5, 4, 10), dt.date(2020, 6, 1), directive=D2)
    log.complete("t9-c", "T9", "KHTC", at(2020, 5, 20), True, directive=D2)

    summary = (AreaSummary(area=InspectionArea.CONDUCT, compliant=3, findings=1),)
    log.add("v1", violation(V1, "VP", InspectionArea.CONDUCT, Severity.MINOR), at(2020, 10, 15))
    log.add("v2", violation(V2, "KHTC", InspectionArea.DRESS, Severity.MODERATE), at(2020, 10, 15))
    completed = InspectionCompleted(
        agency=AGENCY,
        inspection_id=I1,
        title="Kiểm tra thực hiện văn hóa công vụ",
        decision="45/QĐ-SXD ngày 01/10/2020",
        period_start=dt.date(2020, 10, 5),
        period_end=dt.date(2020, 10, 20),
        completed_at=at(2020, 10, 20),
        units=(
            UnitSummary(unit=ref("VP"), areas=summary),
            UnitSummary(unit=ref("KHTC"), areas=summary),
        ),
        violation_ids=(V1, V2),
    )
    log.add("i1", completed, at(2020, 10, 20))
    log.assign(
        "r1-a", "R1", "VP", at(2020, 10, 21), dt.date(2020, 11, 20), directive=None, violation=V1
    )
    log.complete("r1-c", "R1", "VP", at(2020, 11, 15), True, directive=None)
    log.assign(
        "r2-a", "R2", "KHTC", at(2020, 10, 21), dt.date(2020, 11, 20), directive=None, violation=V2
    )
    resolved = ViolationResolved(
        agency=AGENCY,
        violation_id=V1,
        inspection_id=I1,
        unit=ref("VP"),
        area=InspectionArea.CONDUCT,
        severity=Severity.MINOR,
        resolved_at=at(2020, 11, 15, 10),
        on_time=True,
    )
    log.add("v1-r", resolved, at(2020, 11, 15, 10))
    return log


def test_fixture_has_unique_event_ids_and_one_agency() -> None:
    facts = year_2020().facts
    assert len({f.event_id for f in facts}) == len(facts)
    assert {f.event.agency for f in facts} == {AGENCY}
