"""Events on chidao.tasks.v1: every transition of a task."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field

from shared.contracts.events.base import TOPIC_TASKS, Event
from shared.contracts.values import Deadline, UnitRef


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
    lineage: tuple[uuid.UUID, ...] = Field(
        default=(),
        description="The directives the task descends from, root first, ending with its "
        "own `directive_id` (e.g. the province plan, then the department's letter); empty "
        "for a remediation task.",
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


class TaskTransferred(TaskEvent):
    """An open task moved to the unit that took over its lead unit's work (a directory
    change: renamed, merged, dissolved). `agency` and `lead_unit` are the new ones."""

    ce_type = "chidao.task.transferred.v1"
    previous_agency: str = Field(description="The agency the task belonged to before.")
    previous_unit: UnitRef = Field(description="The lead unit it was assigned to.")
    reason: str = Field(description="Why, in Vietnamese, e.g. the merger and its date.")
    effective: dt.date = Field(description="The day the directory change took effect.")
