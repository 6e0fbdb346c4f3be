"""The public events: one model per type, versioned in the type name.

Each event class declares its CloudEvents type (`ce_type`), its topic and which field
is the aggregate id (the Kafka key, so events of one aggregate stay in order).
`contracts/<ce_type>.schema.json` is generated from these models (`chidao contracts`)
and a test fails when the committed files differ. Evolution rule: add optional fields
only; anything else is a new `.v2` type.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import Field

from shared.contracts.values import Deadline, DirectiveContent, Unit, UnitRef, Value

TOPIC_ORG = "chidao.org.v1"
TOPIC_DIRECTIVES = "chidao.directives.v1"
TOPIC_TASKS = "chidao.tasks.v1"
TOPIC_INSPECTIONS = "chidao.inspections.v1"
TOPIC_REPORTS = "chidao.reports.v1"
PUBLIC_TOPICS = (TOPIC_ORG, TOPIC_DIRECTIVES, TOPIC_TASKS, TOPIC_INSPECTIONS, TOPIC_REPORTS)


def dlq_topic(service: str) -> str:
    return f"chidao.dlq.{service}"


class Event(Value):
    """Base of every public event. `agency` is the department the event belongs to:
    one platform serves many departments."""

    ce_type: ClassVar[str]
    topic: ClassVar[str]
    key_field: ClassVar[str]

    agency: str = Field(description="Agency (department) code, e.g. 'sxd-thanhhoa'.")

    @property
    def key(self) -> str:
        return str(getattr(self, self.key_field))


# --- chidao.org.v1 -------------------------------------------------------------------


class OrgDirectoryPublished(Event):
    """The unit directory of an agency; consumers keep the latest as their local copy."""

    ce_type = "chidao.org.directory_published.v1"
    topic = TOPIC_ORG
    key_field = "agency"

    agency_name: str
    short_name: str
    province: str
    units: tuple[Unit, ...]


# --- chidao.directives.v1 ------------------------------------------------------------


class DirectiveIssued(Event):
    ce_type = "chidao.directive.issued.v1"
    topic = TOPIC_DIRECTIVES
    key_field = "directive_id"

    directive_id: uuid.UUID
    reference: str = Field(description="Number and symbol as printed, e.g. '05/TB-SXD'.")
    content: DirectiveContent
    issued_at: dt.datetime
    duplicate_of: uuid.UUID | None = Field(
        default=None, description="Set when a directive with the same subject was issued."
    )


class DirectiveRevoked(Event):
    ce_type = "chidao.directive.revoked.v1"
    topic = TOPIC_DIRECTIVES
    key_field = "directive_id"

    directive_id: uuid.UUID
    reference: str
    reason: str
    revoked_at: dt.datetime


# --- chidao.tasks.v1 -----------------------------------------------------------------


class TaskEvent(Event):
    topic = TOPIC_TASKS
    key_field = "task_id"

    task_id: uuid.UUID
    directive_id: uuid.UUID | None = Field(
        description="The directive the task comes from; None for a remediation task."
    )
    violation_id: uuid.UUID | None = Field(
        default=None, description="Set on a remediation task: the violation it remedies."
    )
    lead_unit: UnitRef
    at: dt.datetime = Field(description="When it happened, by the service clock.")


class TaskAssigned(TaskEvent):
    ce_type = "chidao.task.assigned.v1"

    directive_reference: str | None = Field(
        default=None, description="'05/TB-SXD'; None for a remediation task."
    )
    assignment_index: int = Field(default=0, ge=0)
    occurrence: int | None = Field(
        default=None,
        description="Which occurrence of a recurring deadline: the year (yearly), "
        "year*4+quarter-1 (quarterly), year*12+month-1 (monthly); None when one-off.",
    )
    coordinating_units: tuple[UnitRef, ...] = ()
    action: str
    deadline: Deadline
    due_date: dt.date | None = Field(
        default=None, description="The date this task is due; None when ongoing or none."
    )


class TaskAcknowledged(TaskEvent):
    ce_type = "chidao.task.acknowledged.v1"
    by: str | None = None


class TaskProgressReported(TaskEvent):
    ce_type = "chidao.task.progress_reported.v1"
    percent: int = Field(ge=0, le=100)
    note: str = ""


class TaskCompleted(TaskEvent):
    ce_type = "chidao.task.completed.v1"
    result: str
    on_time: bool
    due_date: dt.date | None = None
    staff_reached: int | None = Field(
        default=None, ge=0, description="People reached, for a dissemination task."
    )


class TaskExtensionRequested(TaskEvent):
    ce_type = "chidao.task.extension_requested.v1"
    requested_due_date: dt.date
    reason: str


class TaskExtensionGranted(TaskEvent):
    ce_type = "chidao.task.extension_granted.v1"
    previous_due_date: dt.date | None
    new_due_date: dt.date
    reason: str


class TaskCancelled(TaskEvent):
    ce_type = "chidao.task.cancelled.v1"
    reason: str


class TaskOverdue(TaskEvent):
    ce_type = "chidao.task.overdue.v1"
    due_date: dt.date
    occurrence: int | None = None


# --- chidao.inspections.v1 ----------------------------------------------------------


class InspectionArea(StrEnum):
    """The four content areas of Decision 1847/QĐ-TTg."""

    ATTITUDE = "attitude"  # tinh thần, thái độ làm việc
    CONDUCT = "conduct"  # chuẩn mực giao tiếp, ứng xử (incl. "4 xin, 4 luôn")
    ETHICS = "ethics"  # đạo đức, lối sống
    DRESS = "dress"  # trang phục


class Severity(StrEnum):
    MINOR = "minor"  # nhẹ
    MODERATE = "moderate"  # trung bình
    SERIOUS = "serious"  # nghiêm trọng


class AreaSummary(Value):
    area: InspectionArea
    compliant: int = Field(ge=0, description="Criteria found compliant.")
    findings: int = Field(ge=0, description="Criteria with a finding.")


class UnitSummary(Value):
    unit: UnitRef
    areas: tuple[AreaSummary, ...]


class InspectionCompleted(Event):
    """An inspection of public-service culture finished: its summary per unit and area."""

    ce_type = "chidao.inspection.completed.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "inspection_id"

    inspection_id: uuid.UUID
    title: str
    decision: str = Field(description="The deciding document, e.g. '45/QĐ-SXD ngày 01/10/2020'.")
    period_start: dt.date
    period_end: dt.date
    completed_at: dt.datetime
    units: tuple[UnitSummary, ...]
    violation_ids: tuple[uuid.UUID, ...] = ()


class ViolationRecorded(Event):
    """One finding of an inspection; the tasks service makes it a remediation task."""

    ce_type = "chidao.violation.recorded.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "violation_id"

    violation_id: uuid.UUID
    inspection_id: uuid.UUID
    unit: UnitRef
    criterion: str = Field(description="Criterion code from the criteria list, e.g. 'CONDUCT-4X'.")
    criterion_title: str
    area: InspectionArea
    severity: Severity
    description: str
    evidence: str = ""
    person: str | None = None
    remediation_due: dt.date
    recorded_at: dt.datetime


class ViolationResolved(Event):
    """The inspection team verified that a violation was remedied."""

    ce_type = "chidao.violation.resolved.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "violation_id"

    violation_id: uuid.UUID
    inspection_id: uuid.UUID
    unit: UnitRef
    area: InspectionArea
    severity: Severity
    resolved_at: dt.datetime
    on_time: bool = Field(description="Verified on or before the remediation deadline.")
    note: str = ""


# --- chidao.reports.v1 ---------------------------------------------------------------


class ReportDue(Event):
    """A report obligation needs attention: a reminder before its deadline, or (once)
    the deadline passed with nothing submitted. Other agencies rely on it to chase
    late reports."""

    ce_type = "chidao.report.due.v1"
    topic = TOPIC_REPORTS
    key_field = "obligation_id"

    obligation_id: uuid.UUID
    directive_id: uuid.UUID
    directive_reference: str
    responsible_unit: UnitRef
    title: str = Field(description="What is to be reported, as the directive words it.")
    year: int = Field(description="Reporting year (Decree 09: 15/12 of year-1 to 14/12).")
    due_date: dt.date
    kind: Literal["reminder", "overdue"]
    days_before: int | None = Field(
        default=None, description="For a reminder: how many days before the deadline."
    )
    at: dt.datetime


class ReportSubmitted(Event):
    """The annual submission of an agency, with its full JSON form."""

    ce_type = "chidao.report.submitted.v1"
    topic = TOPIC_REPORTS
    key_field = "report_id"

    report_id: str = Field(description="'<agency>/<year>'.")
    year: int
    province: str
    submitted_at: dt.datetime
    on_time: bool
    report: dict[str, Any] = Field(description="The JSON form of the report, as served.")


TaskStatus = Literal["assigned", "acknowledged", "in_progress", "completed", "cancelled"]

ALL_EVENTS: tuple[type[Event], ...] = (
    OrgDirectoryPublished,
    DirectiveIssued,
    DirectiveRevoked,
    TaskAssigned,
    TaskAcknowledged,
    TaskProgressReported,
    TaskCompleted,
    TaskExtensionRequested,
    TaskExtensionGranted,
    TaskCancelled,
    TaskOverdue,
    InspectionCompleted,
    ViolationRecorded,
    ViolationResolved,
    ReportDue,
    ReportSubmitted,
)

EVENTS_BY_TYPE: dict[str, type[Event]] = {e.ce_type: e for e in ALL_EVENTS}
