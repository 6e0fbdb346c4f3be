"""From an issued directive to its tasks: one per assignment and lead unit.

Task ids are derived from what identifies the duty (directive, assignment, lead unit,
occurrence), so handling the same `directive.issued` twice, or assigning the next
occurrence twice, yields the same ids: idempotent by construction, on top of the inbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from services.tasks.domain import schedule
from services.tasks.domain.model import Task
from shared.clock import VN_TZ
from shared.contracts.events import DirectiveIssued, ViolationRecorded
from shared.contracts.values import Assignment, Deadline, DeadlineKind

TASK_NAMESPACE = uuid.UUID("4f5d3c1e-9b7a-4e57-8a51-6f0c2b1d9e42")
_NAMESPACE_BYTES = TASK_NAMESPACE.bytes


def task_id(
    directive_id: uuid.UUID | str, index: int, lead: str, occurrence: int | None
) -> uuid.UUID:
    # `uuid.uuid5`, with the namespace's bytes computed once: a directive's id may come
    # as text already, since formatting a UUID costs more than hashing the name, and
    # one directive has many duties.
    name = f"{directive_id}/{index}/{lead}/{occurrence}".encode()
    return uuid.UUID(bytes=hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16], version=5)


def _task(
    event: DirectiveIssued, directive: str, index: int, a: Assignment, occurrence: int | None
) -> Task:
    lead_key = a.lead_unit.code or a.lead_unit.name
    return Task(
        id=task_id(directive, index, lead_key, occurrence),
        agency=event.agency,
        directive_id=event.directive_id,
        directive_reference=event.reference,
        assignment_index=index,
        lead_unit=a.lead_unit,
        coordinating_units=a.coordinating_units,
        action=a.action,
        deadline=a.deadline,
        due_date=schedule.due_date(a.deadline, occurrence),
        occurrence=occurrence,
    )


def tasks_for_directive(event: DirectiveIssued) -> list[Task]:
    # A deadline is a local date: the issue day is the Vietnamese one, not UTC's.
    issued_on = event.content.date or event.issued_at.astimezone(VN_TZ).date()
    tasks, directive = [], str(event.directive_id)
    for index, assignment in enumerate(event.content.assignments):
        occurrence = (
            schedule.first_occurrence(assignment.deadline, issued_on)
            if schedule.is_recurring(assignment.deadline)
            else None
        )
        tasks.append(_task(event, directive, index, assignment, occurrence))
    return tasks


def remediation_task(event: ViolationRecorded) -> Task:
    """The unit's duty to remedy an inspection finding, due on the remediation date."""
    return Task(
        id=uuid.uuid5(TASK_NAMESPACE, f"violation/{event.violation_id}"),
        agency=event.agency,
        directive_id=None,
        directive_reference=None,
        assignment_index=0,
        lead_unit=event.unit,
        coordinating_units=(),
        action=f"Khắc phục vi phạm ({event.criterion_title}): {event.description}",
        deadline=Deadline(
            kind=DeadlineKind.DATE,
            date=event.remediation_due,
            text=f"trước ngày {event.remediation_due:%d/%m/%Y}",
        ),
        due_date=event.remediation_due,
        violation_id=event.violation_id,
    )


def next_occurrence(task: Task) -> Task | None:
    """The task for the following occurrence of a recurring duty, or None."""
    if task.occurrence is None or task.directive_id is None:
        return None
    if not schedule.is_recurring(task.deadline):
        return None
    occurrence = task.occurrence + 1
    lead_key = task.lead_unit.code or task.lead_unit.name
    return Task(
        id=task_id(task.directive_id, task.assignment_index, lead_key, occurrence),
        agency=task.agency,
        directive_id=task.directive_id,
        directive_reference=task.directive_reference,
        assignment_index=task.assignment_index,
        lead_unit=task.lead_unit,
        coordinating_units=task.coordinating_units,
        action=task.action,
        deadline=task.deadline,
        due_date=schedule.due_date(task.deadline, occurrence),
        occurrence=occurrence,
    )


def closes_occurrence(task: Task, today: dt.date) -> bool:
    """An occurrence closes when it is completed or its deadline has passed."""
    return not task.is_open or task.is_overdue(today)
