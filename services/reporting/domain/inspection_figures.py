"""Inspection figures: inspections completed in the period and their findings.

Findings are the violations recorded by those inspections (an inspection completed in
the period brings all its findings, whenever each was typed in); a finding counts as
resolved when the team verified the remedy before the cut-off.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from services.reporting.domain.ledger import Ledger
from services.reporting.domain.model import Figure, Inspections, figure
from services.reporting.domain.periods import Period, aware
from services.reporting.domain.task_status import unit_key
from shared.contracts.events import (
    InspectionArea,
    InspectionCompleted,
    Severity,
    ViolationRecorded,
    ViolationResolved,
)


@dataclass(frozen=True)
class Finding:
    event_id: str
    violation: ViolationRecorded
    resolved: tuple[str, ViolationResolved] | None

    @property
    def unit(self) -> str:
        return unit_key(self.violation.unit)


@dataclass(frozen=True)
class InspectionFacts:
    inspections: list[tuple[str, InspectionCompleted]]
    findings: list[Finding]

    def inspected(self) -> dict[str, list[str]]:
        """Unit key -> ids of the inspections (completed in the period) that covered it."""
        units: dict[str, list[str]] = {}
        for event_id, e in self.inspections:
            for summary in e.units:
                units.setdefault(unit_key(summary.unit), []).append(event_id)
        return units


def _first_by_key(
    pairs: Iterable[tuple[str, ViolationResolved]],
) -> dict[uuid.UUID, tuple[str, ViolationResolved]]:
    out: dict[uuid.UUID, tuple[str, ViolationResolved]] = {}
    for event_id, e in sorted(pairs, key=lambda p: (aware(p[1].resolved_at), p[0])):
        out.setdefault(e.violation_id, (event_id, e))
    return out


def inspection_facts(ledger: Ledger, period: Period) -> InspectionFacts:
    inspections: dict[uuid.UUID, tuple[str, InspectionCompleted]] = {}
    for event_id, e in ledger.of(InspectionCompleted):
        if period.contains_instant(e.completed_at):
            inspections.setdefault(e.inspection_id, (event_id, e))
    resolved = _first_by_key(
        (i, e) for i, e in ledger.of(ViolationResolved) if aware(e.resolved_at) < period.cutoff
    )
    findings: dict[uuid.UUID, Finding] = {}
    for event_id, v in ledger.of(ViolationRecorded):
        if v.inspection_id in inspections and v.violation_id not in findings:
            findings[v.violation_id] = Finding(event_id, v, resolved.get(v.violation_id))
    return InspectionFacts(list(inspections.values()), list(findings.values()))


def _count(findings: list[Finding]) -> Figure[int]:
    return figure(len(findings), (f.event_id for f in findings))


def _count_resolved(findings: list[Finding]) -> Figure[int]:
    return figure(len(findings), (f.resolved[0] for f in findings if f.resolved))


def inspection_figures(facts: InspectionFacts) -> Inspections:
    findings = facts.findings
    resolved = [f for f in findings if f.resolved]
    on_time = [f for f in resolved if f.resolved and f.resolved[1].on_time]
    inspected = facts.inspected()
    return Inspections(
        inspections=figure(len(facts.inspections), (i for i, _ in facts.inspections)),
        units_inspected=figure(len(inspected), (i for ids in inspected.values() for i in ids)),
        findings=_count(findings),
        findings_by_area={
            a.value: _count([f for f in findings if f.violation.area == a]) for a in InspectionArea
        },
        findings_by_severity={
            s.value: _count([f for f in findings if f.violation.severity == s]) for s in Severity
        },
        resolved=_count_resolved(resolved),
        resolved_on_time=_count_resolved(on_time),
        unresolved=_count([f for f in findings if not f.resolved]),
    )
