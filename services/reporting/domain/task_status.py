"""Where each task stood at the cut-off, in the four categories of central practice.

Rules (all "as of the cut-off": events at or after it are ignored, so a report
recomputed later from more facts gives the same figures):
- a task completed before the cut-off is "done on time" or "done late" as its
  `task.completed` says (the tasks service judged on_time with its working-day
  calendar and the deadline then in force);
- a task completed after the cut-off was open at the cut-off;
- an open task is overdue when the cut-off date (the period's last day) is after its
  due date, the due date being the latest extension granted before the cut-off, else
  the assigned one. NOTE: plain calendar days; the tasks service moves a deadline that
  falls on a rest day to the next working day, which matters only for a due date in
  the last days before the cut-off. Open tasks without a due date are within deadline;
- a task cancelled before the cut-off is excluded and counted apart.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from services.reporting.domain.ledger import Ledger
from services.reporting.domain.periods import Period, aware
from shared.contracts.events import (
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskEvent,
    TaskExtensionGranted,
)
from shared.contracts.values import UnitRef


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_DEADLINE = "open_in_deadline"
    OPEN_OVERDUE = "open_overdue"
    CANCELLED = "cancelled"


CATEGORIES = (
    Category.DONE_ON_TIME,
    Category.DONE_LATE,
    Category.OPEN_IN_DEADLINE,
    Category.OPEN_OVERDUE,
)


def unit_key(ref: UnitRef) -> str:
    """Units are grouped by directory code; a unit the directory does not know by name."""
    return ref.code or ref.name


@dataclass(frozen=True)
class TaskState:
    task_id: uuid.UUID
    assigned: TaskAssigned
    category: Category
    due_date: dt.date | None
    completed: TaskCompleted | None
    event_ids: tuple[str, ...]  # the assignment and the events that decided the category

    @property
    def unit(self) -> str:
        return unit_key(self.assigned.lead_unit)


def classify(
    assigned: tuple[str, TaskAssigned], history: list[tuple[str, TaskEvent]], period: Period
) -> TaskState:
    """`history`: the task's other events in ledger order."""
    assigned_id, task = assigned
    before = [(i, e) for i, e in history if aware(e.at) < period.cutoff]
    ordered = sorted(before, key=lambda p: (aware(p[1].at), p[0]))
    for event_id, e in ordered:
        if isinstance(e, TaskCancelled):
            return TaskState(
                task.task_id, task, Category.CANCELLED, task.due_date, None, (assigned_id, event_id)
            )
        if isinstance(e, TaskCompleted):
            category = Category.DONE_ON_TIME if e.on_time else Category.DONE_LATE
            return TaskState(
                task.task_id, task, category, task.due_date, e, (assigned_id, event_id)
            )
    due, ids = task.due_date, [assigned_id]
    extensions = [(i, e) for i, e in ordered if isinstance(e, TaskExtensionGranted)]
    if extensions:
        last_id, last = extensions[-1]
        due, ids = last.new_due_date, [assigned_id, last_id]
    overdue = due is not None and period.end > due
    category = Category.OPEN_OVERDUE if overdue else Category.OPEN_IN_DEADLINE
    return TaskState(task.task_id, task, category, due, None, tuple(ids))


def task_states(ledger: Ledger, period: Period, scheme_ids: set[uuid.UUID]) -> list[TaskState]:
    """Tasks assigned in the period that belong to a scheme directive, or remediate a
    violation of the agency (the ledger holds only the agency's events), in order of
    assignment."""
    first_assigned: dict[uuid.UUID, tuple[str, TaskAssigned]] = {}
    for event_id, e in sorted(ledger.of(TaskAssigned), key=lambda p: (aware(p[1].at), p[0])):
        first_assigned.setdefault(e.task_id, (event_id, e))
    history: dict[uuid.UUID, list[tuple[str, TaskEvent]]] = defaultdict(list)
    for event_id, t in ledger.of(TaskEvent):
        if not isinstance(t, TaskAssigned):
            history[t.task_id].append((event_id, t))
    states = []
    for assigned in first_assigned.values():
        task = assigned[1]
        relevant = task.violation_id is not None or task.directive_id in scheme_ids
        if relevant and period.contains_instant(task.at):
            states.append(classify(assigned, history[task.task_id], period))
    return states
