"""The inspection aggregate: one inspection of public-service culture.

    planned ──record results (any number of times)──▶ planned ──complete──▶ completed

An inspection team (đoàn kiểm tra), set up by a deciding document, checks target units
against the criteria in scope. Each unit and criterion gets one result: compliant, or
a finding with a severity and a remediation deadline. Re-recording replaces a result
while the inspection is planned; completion needs a result for every target unit,
freezes the results and turns each finding into a violation to be verified later.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from services.inspections.domain.criteria import Criterion
from services.inspections.domain.summary import summarize
from services.inspections.domain.values import DecidingDocument, Result, TeamMember
from services.inspections.domain.violation import Violation
from shared.contracts.events import InspectionCompleted
from shared.contracts.values import Actor, UnitRef
from shared.domain import Changed
from shared.errors import InvalidField, InvalidTransition, NotFound


class Status(StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Inspection:
    id: uuid.UUID
    agency: str
    title: str
    decision: DecidingDocument
    team: tuple[TeamMember, ...]
    targets: tuple[UnitRef, ...]
    period_start: dt.date
    period_end: dt.date
    scope: tuple[Criterion, ...]
    created_at: dt.datetime
    status: Status = Status.PLANNED
    results: tuple[Result, ...] = ()
    completed_at: dt.datetime | None = None
    violations: tuple[Violation, ...] = ()

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.scope if c.code == code), None)

    def target(self, code: str) -> UnitRef | None:
        return next((u for u in self.targets if u.code == code), None)

    def record(self, results: Sequence[Result], today: dt.date) -> Changed[Inspection]:
        """Record (or replace) results while planned; the platform hears of them only
        when the inspection is completed."""
        if self.status is not Status.PLANNED:
            raise InvalidTransition("the inspection is completed: its results are final")
        seen: set[tuple[str, str]] = set()
        for i, r in enumerate(results):
            self._check(i, r, today)
            if (r.unit, r.criterion) in seen:
                raise InvalidField(
                    f"two results for unit '{r.unit}', criterion '{r.criterion}'", f"{i}"
                )
            seen.add((r.unit, r.criterion))
        kept = [r for r in self.results if (r.unit, r.criterion) not in seen]
        units = [u.code for u in self.targets]
        codes = [c.code for c in self.scope]
        ordered = sorted(
            [*kept, *results], key=lambda r: (units.index(r.unit), codes.index(r.criterion))
        )
        return Changed(replace(self, results=tuple(ordered)))

    def _check(self, i: int, r: Result, today: dt.date) -> None:
        if self.target(r.unit) is None:
            targets = ", ".join(str(u.code) for u in self.targets)
            raise InvalidField(
                f"unit '{r.unit}' is not a target of this inspection (targets: {targets})",
                f"{i}.unit",
            )
        if self.criterion(r.criterion) is None:
            raise InvalidField(
                f"criterion '{r.criterion}' is not in the scope of this inspection",
                f"{i}.criterion",
            )
        if not self.period_start <= r.inspected_on <= self.period_end:
            raise InvalidField(
                f"inspection day {r.inspected_on:%d/%m/%Y} is outside the period "
                f"{self.period_start:%d/%m/%Y}-{self.period_end:%d/%m/%Y}",
                f"{i}.inspected_on",
            )
        if r.inspected_on > today:
            raise InvalidField("a result cannot be recorded for a future day", f"{i}.inspected_on")
        f = r.finding
        if f is not None and not f.description.strip():
            raise InvalidField("a finding needs a description", f"{i}.finding.description")
        if f is not None and f.remediation_due <= r.inspected_on:
            raise InvalidField(
                f"the remediation deadline {f.remediation_due:%d/%m/%Y} must be after the "
                f"inspection day {r.inspected_on:%d/%m/%Y}",
                f"{i}.finding.remediation_due",
            )

    def complete(self, at: dt.datetime, by: Actor | None = None) -> Changed[Inspection]:
        """Freeze the results; each finding becomes a violation. Publishes the
        completion with its summary, then one `violation.recorded` per violation."""
        if self.status is not Status.PLANNED:
            raise InvalidTransition("the inspection is already completed")
        inspected = {r.unit for r in self.results}
        missing = [str(u.code) for u in self.targets if u.code not in inspected]
        if missing:
            raise InvalidTransition(f"no results yet for unit(s): {', '.join(missing)}")
        violations = tuple(self._violation(r, at) for r in self.results if r.finding)
        done = replace(self, status=Status.COMPLETED, completed_at=at, violations=violations)
        completed = InspectionCompleted(
            agency=self.agency,
            inspection_id=self.id,
            title=self.title,
            decision=self.decision.reference,
            period_start=self.period_start,
            period_end=self.period_end,
            completed_at=at,
            units=summarize(done),
            violation_ids=tuple(v.id for v in violations),
            actor=by,
        )
        return Changed(done, (completed, *(v.recorded(by) for v in violations)))

    def _violation(self, r: Result, at: dt.datetime) -> Violation:
        assert r.finding is not None
        unit, criterion = self.target(r.unit), self.criterion(r.criterion)
        assert unit is not None and criterion is not None
        return Violation(
            # Derived from what it is a violation of: the same finding always has the
            # same id, so a retried completion cannot publish two different ids.
            id=uuid.uuid5(self.id, f"{r.unit}/{r.criterion}"),
            inspection_id=self.id,
            agency=self.agency,
            unit=unit,
            criterion=criterion.code,
            criterion_title=criterion.title,
            area=criterion.area,
            severity=r.finding.severity,
            description=r.finding.description,
            evidence=r.finding.evidence,
            person=r.finding.person,
            remediation_due=r.finding.remediation_due,
            recorded_at=at,
        )

    def verify(
        self, violation_id: uuid.UUID, at: dt.datetime, note: str, by: Actor | None = None
    ) -> Changed[Inspection]:
        """The team checked a violation's remedy: `violation.resolved`."""
        if self.status is not Status.COMPLETED:
            raise InvalidTransition("violations are verified only after the inspection")
        found = [v for v in self.violations if v.id == violation_id]
        if not found:
            raise NotFound(f"violation {violation_id} not found")
        verified = found[0].verify(at, note)
        violations = tuple(verified if v.id == violation_id else v for v in self.violations)
        return Changed(replace(self, violations=violations), (verified.resolved_event(by),))

    def violation(self, violation_id: uuid.UUID) -> Violation:
        return next(v for v in self.violations if v.id == violation_id)
