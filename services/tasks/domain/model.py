"""The task aggregate: one duty of one lead unit, with its history.

    assigned → acknowledged → in_progress → completed
        └──────────┴──────────────┴────────→ cancelled (directive revoked)

Progress may be reported at any open stage. An extension is requested with a reason
and granted with a reason; the due date moves and the history keeps both (central
practice: deadline changes need a reason and leave a trail). Overdue is not a status:
an overdue task is still open and can still be completed, late. `task.overdue` is
published once per task (each occurrence of a recurring duty is its own task), even
if an extension later moves the deadline and that one passes too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypedDict

from services.tasks.domain import succession
from shared.contracts.events import (
    Succession,
    TaskAcknowledged,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskExtensionGranted,
    TaskExtensionRequested,
    TaskOverdue,
    TaskProgressReported,
    TaskTransferred,
)
from shared.contracts.values import Actor, Deadline, UnitRef
from shared.domain import Changed
from shared.errors import InvalidField, InvalidTransition
from shared.workdays import effective_due_date, is_overdue


class Status(StrEnum):
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN = (Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS)


class TaskIds(TypedDict):
    """The fields of `TaskEvent` every event of a task repeats (typed, for `**`)."""

    agency: str
    task_id: uuid.UUID
    directive_id: uuid.UUID | None
    violation_id: uuid.UUID | None
    lead_unit: UnitRef
    at: dt.datetime
    actor: Actor | None


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingExtension:
    requested_due_date: dt.date
    reason: str


@dataclass(frozen=True)
class Task:
    id: uuid.UUID
    agency: str
    directive_id: uuid.UUID | None  # None for a remediation task
    directive_reference: str | None
    assignment_index: int
    lead_unit: UnitRef
    coordinating_units: tuple[UnitRef, ...]
    action: str
    deadline: Deadline
    due_date: dt.date | None
    occurrence: int | None = None
    violation_id: uuid.UUID | None = None  # set on a remediation task
    status: Status = Status.ASSIGNED
    percent: int = 0
    overdue_notified: bool = False
    result: str | None = None
    staff_reached: int | None = None
    completed_at: dt.datetime | None = None
    on_time: bool | None = None
    pending_extension: PendingExtension | None = None
    history: tuple[HistoryEntry, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and is_overdue(self.due_date, today)

    def _require_open(self, what: str) -> None:
        if not self.is_open:
            raise InvalidTransition(f"cannot {what}: the task is {self.status}")

    def _log(
        self, at: dt.datetime, kind: str, actor: Actor | None = None, **data: Any
    ) -> tuple[HistoryEntry, ...]:
        """The history with one more entry; it names who acted, when a person did."""
        if actor is not None:
            data["actor"] = {"subject": actor.subject, "name": actor.name}
        return (*self.history, HistoryEntry(at, kind, data))

    def _ids(self, at: dt.datetime, actor: Actor | None = None) -> TaskIds:
        """What every event of this task says about which task it is, and when."""
        return TaskIds(
            agency=self.agency,
            task_id=self.id,
            directive_id=self.directive_id,
            violation_id=self.violation_id,
            lead_unit=self.lead_unit,
            at=at,
            actor=actor,
        )

    def assigned(self, at: dt.datetime, lineage: tuple[uuid.UUID, ...] = ()) -> TaskAssigned:
        """The event that announces this task to its lead unit; `lineage` is the chain of
        directives it descends from, root first, ending with its own."""
        return TaskAssigned(
            lineage=lineage,
            **self._ids(at),
            directive_reference=self.directive_reference,
            assignment_index=self.assignment_index,
            occurrence=self.occurrence,
            coordinating_units=self.coordinating_units,
            action=self.action,
            deadline=self.deadline,
            due_date=self.due_date,
        )

    def acknowledge(
        self, at: dt.datetime, by: str | None, *, actor: Actor | None = None
    ) -> Changed[Task]:
        if self.status is not Status.ASSIGNED:
            raise InvalidTransition(f"cannot acknowledge: the task is {self.status}")
        return Changed(
            replace(
                self,
                status=Status.ACKNOWLEDGED,
                history=self._log(at, "acknowledged", actor, by=by),
            ),
            (TaskAcknowledged(**self._ids(at, actor), by=by),),
        )

    def report_progress(
        self, at: dt.datetime, percent: int, note: str, *, actor: Actor | None = None
    ) -> Changed[Task]:
        self._require_open("report progress")
        if not 0 <= percent <= 100:
            raise InvalidField("percent must be between 0 and 100", "percent")
        if percent < self.percent:
            raise InvalidTransition(f"progress cannot go back from {self.percent}% to {percent}%")
        return Changed(
            replace(
                self,
                status=Status.IN_PROGRESS,
                percent=percent,
                history=self._log(at, "progress_reported", actor, percent=percent, note=note),
            ),
            (TaskProgressReported(**self._ids(at, actor), percent=percent, note=note),),
        )

    def complete(
        self,
        at: dt.datetime,
        today: dt.date,
        result: str,
        staff_reached: int | None,
        *,
        actor: Actor | None = None,
    ) -> Changed[Task]:
        self._require_open("complete")
        if not result.strip():
            raise InvalidField("completing needs a result", "result")
        on_time = self.due_date is None or today <= effective_due_date(self.due_date)
        done = replace(
            self,
            status=Status.COMPLETED,
            percent=100,
            result=result,
            staff_reached=staff_reached,
            completed_at=at,
            on_time=on_time,
            history=self._log(
                at, "completed", actor, result=result, on_time=on_time, staff_reached=staff_reached
            ),
        )
        event = TaskCompleted(
            **self._ids(at, actor),
            result=result,
            on_time=on_time,
            due_date=self.due_date,
            staff_reached=staff_reached,
        )
        return Changed(done, (event,))

    def request_extension(
        self, at: dt.datetime, new_due: dt.date, reason: str, *, actor: Actor | None = None
    ) -> Changed[Task]:
        self._require_open("request an extension")
        if self.due_date is None:
            raise InvalidTransition("the task has no deadline to extend")
        if new_due <= self.due_date:
            # A conflict with the task's current deadline, not a malformed date (409).
            raise InvalidTransition(
                f"the requested date {new_due:%d/%m/%Y} is not after the deadline "
                f"{self.due_date:%d/%m/%Y}"
            )
        if not reason.strip():
            raise InvalidField("an extension request needs a reason", "reason")
        requested = replace(
            self,
            pending_extension=PendingExtension(new_due, reason),
            history=self._log(
                at,
                "extension_requested",
                actor,
                requested_due_date=new_due.isoformat(),
                reason=reason,
            ),
        )
        event = TaskExtensionRequested(
            **self._ids(at, actor), requested_due_date=new_due, reason=reason
        )
        return Changed(requested, (event,))

    def grant_extension(
        self,
        at: dt.datetime,
        reason: str,
        new_due: dt.date | None = None,
        *,
        actor: Actor | None = None,
    ) -> Changed[Task]:
        self._require_open("grant an extension")
        if self.pending_extension is None:
            raise InvalidTransition("there is no pending extension request")
        if not reason.strip():
            raise InvalidField("granting an extension needs a reason", "reason")
        granted = new_due or self.pending_extension.requested_due_date
        if self.due_date is not None and granted <= self.due_date:
            raise InvalidTransition("the new deadline must be after the current one")
        extended = replace(
            self,
            due_date=granted,
            pending_extension=None,
            history=self._log(
                at,
                "extension_granted",
                actor,
                previous_due_date=_iso(self.due_date),
                new_due_date=granted.isoformat(),
                reason=reason,
            ),
        )
        event = TaskExtensionGranted(
            **self._ids(at, actor),
            previous_due_date=self.due_date,
            new_due_date=granted,
            reason=reason,
        )
        return Changed(extended, (event,))

    def cancel(self, at: dt.datetime, reason: str, because: str | None = None) -> Changed[Task]:
        """`reason` is the one the event carries; `because` the fuller one the history
        keeps (which document was revoked, and why)."""
        self._require_open("cancel")
        cancelled = replace(
            self,
            status=Status.CANCELLED,
            history=self._log(at, "cancelled", reason=because or reason),
        )
        return Changed(cancelled, (TaskCancelled(**self._ids(at), reason=reason),))

    def follow(
        self, at: dt.datetime, effective: dt.date, successions: Sequence[Succession]
    ) -> Changed[Task] | None:
        """The open task moved to the unit that took over its lead unit's work, or None
        when nothing moves: the task is closed (it keeps the unit and name it was
        assigned under), its unit has no successor, or it is there already (a replay)."""
        found = succession.successor(successions, self.agency, self.lead_unit.code)
        if not self.is_open or found is None:
            return None
        agency, lead = succession.target(found)
        if (agency, lead) == (self.agency, self.lead_unit):
            return None
        before = self.lead_unit.name + ("" if agency == self.agency else f" ({self.agency})")
        reason = (
            f"{before} {succession.KIND_VN[found.kind]} {lead.name} từ ngày {effective:%d/%m/%Y}"
        )
        reason += f". {found.note}" if found.note else ""
        coordinating = tuple(
            dict.fromkeys(
                u
                for u in (
                    _moved(c, self.agency, agency, successions) for c in self.coordinating_units
                )
                if u != lead
            )
        )
        moved = replace(
            self,
            agency=agency,
            lead_unit=lead,
            coordinating_units=coordinating,
            history=self._log(
                at,
                "transferred",
                previous_agency=self.agency,
                previous_unit=self.lead_unit.model_dump(),
                agency=agency,
                unit=lead.model_dump(),
                reason=reason,
                effective=effective.isoformat(),
            ),
        )
        event = TaskTransferred(
            **moved._ids(at),
            previous_agency=self.agency,
            previous_unit=self.lead_unit,
            reason=reason,
            effective=effective,
        )
        return Changed(moved, (event,))

    def mark_overdue(self, at: dt.datetime, today: dt.date) -> Changed[Task] | None:
        """The task with its overdue flag set and `task.overdue`, or None when nothing
        changes (not open, not yet overdue, or already flagged once)."""
        if not self.is_open or self.overdue_notified or not self.is_overdue(today):
            return None
        assert self.due_date is not None  # is_overdue needs one
        flagged = replace(
            self,
            overdue_notified=True,
            history=self._log(at, "overdue", due_date=_iso(self.due_date)),
        )
        event = TaskOverdue(**self._ids(at), due_date=self.due_date, occurrence=self.occurrence)
        return Changed(flagged, (event,))


def _moved(
    unit: UnitRef, old_agency: str, new_agency: str, successions: Sequence[Succession]
) -> UnitRef:
    """A coordinating unit after the change: its successor when it has one in the task's
    new agency; its name only when the task left its agency (a code of another agency
    means nothing there, as for a letter of another body)."""
    # Only a unit's own succession: the catch-all of a merged agency (its Office) is who
    # leads what nobody else took over, not who coordinates.
    found = succession.successor(successions, old_agency, unit.code, whole=False)
    if found is not None:
        agency, ref = succession.target(found)
        return ref if agency == new_agency else UnitRef(name=unit.name)
    return unit if old_agency == new_agency else UnitRef(name=unit.name)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
