"""A violation: one finding of a completed inspection, followed until the inspection
team verifies that the unit remedied it.

It exists only once its inspection is completed (completion turns each finding into a
violation), so "verify only after completion" holds by construction; the inspection
aggregate checks it again because it is the entry point.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from shared.clock import VN_TZ
from shared.contracts.events import InspectionArea, Severity, ViolationRecorded, ViolationResolved
from shared.contracts.values import Actor, UnitRef
from shared.errors import InvalidField, InvalidTransition


@dataclass(frozen=True)
class Violation:
    id: uuid.UUID
    inspection_id: uuid.UUID
    agency: str
    unit: UnitRef
    criterion: str
    criterion_title: str
    area: InspectionArea
    severity: Severity
    description: str
    evidence: str
    person: str | None
    remediation_due: dt.date
    recorded_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolution_note: str | None = None
    on_time: bool | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def verify(self, at: dt.datetime, note: str) -> Violation:
        """The team checked the remedy. On time means verified on a (Vietnam local) day
        no later than the remediation deadline: the deadline is a local date."""
        if self.resolved_at is not None:
            raise InvalidTransition(
                f"violation {self.id} was already verified on "
                f"{self.resolved_at.astimezone(VN_TZ):%d/%m/%Y}"
            )
        if not note.strip():
            raise InvalidField("verifying a remedy needs a note of what was checked", "note")
        on_time = at.astimezone(VN_TZ).date() <= self.remediation_due
        return replace(self, resolved_at=at, resolution_note=note.strip(), on_time=on_time)

    def recorded(self, by: Actor | None = None) -> ViolationRecorded:
        """The event that announces this violation (and opens its remediation task)."""
        return ViolationRecorded(
            agency=self.agency,
            violation_id=self.id,
            inspection_id=self.inspection_id,
            unit=self.unit,
            criterion=self.criterion,
            criterion_title=self.criterion_title,
            area=self.area,
            severity=self.severity,
            description=self.description,
            evidence=self.evidence,
            # Not published: a person's name is personal data (kept here, for the team).
            person=None,
            remediation_due=self.remediation_due,
            recorded_at=self.recorded_at,
            actor=by,
        )

    def resolved_event(self, by: Actor | None = None) -> ViolationResolved:
        """The event of the team's verification; only for a verified violation."""
        assert self.resolved_at is not None and self.on_time is not None
        return ViolationResolved(
            agency=self.agency,
            violation_id=self.id,
            inspection_id=self.inspection_id,
            unit=self.unit,
            area=self.area,
            severity=self.severity,
            resolved_at=self.resolved_at,
            on_time=self.on_time,
            note=self.resolution_note or "",
            actor=by,
        )
