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
from typing import ClassVar, Literal

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
    directive_id: uuid.UUID
    lead_unit: UnitRef
    at: dt.datetime = Field(description="When it happened, by the service clock.")


class TaskAssigned(TaskEvent):
    ce_type = "chidao.task.assigned.v1"

    directive_reference: str
    assignment_index: int = Field(ge=0)
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
)

EVENTS_BY_TYPE: dict[str, type[Event]] = {e.ce_type: e for e in ALL_EVENTS}
