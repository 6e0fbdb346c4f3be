"""What the API shows: English codes for programs, Vietnamese labels for people."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from services.inspections.domain.criteria import Criterion
from services.inspections.domain.labels import (
    AREA_TITLES,
    ROLE_TITLES,
    SEVERITY_TITLES,
    STATUS_TITLES,
)
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.summary import summarize
from services.inspections.domain.values import Result, Role
from services.inspections.domain.violation import Violation
from shared.contracts.events import InspectionArea, Severity
from shared.contracts.values import UnitRef


class CriterionView(BaseModel):
    code: str
    title: str
    area: InspectionArea
    area_title: str

    @classmethod
    def of(cls, c: Criterion) -> CriterionView:
        return cls(code=c.code, title=c.title, area=c.area, area_title=AREA_TITLES[c.area])


class DecisionView(BaseModel):
    number: str
    symbol: str
    date: dt.date
    issuer: str
    reference: str


class MemberView(BaseModel):
    name: str
    role: Role
    role_title: str
    unit: str


class FindingView(BaseModel):
    severity: Severity
    severity_title: str
    description: str
    evidence: str
    person: str | None
    remediation_due: dt.date


class ResultView(BaseModel):
    unit: str
    criterion: str
    compliant: bool
    inspected_on: dt.date
    recorded_at: dt.datetime
    finding: FindingView | None

    @classmethod
    def of(cls, r: Result) -> ResultView:
        f = r.finding
        return cls(
            unit=r.unit,
            criterion=r.criterion,
            compliant=r.compliant,
            inspected_on=r.inspected_on,
            recorded_at=r.recorded_at,
            finding=FindingView(
                severity=f.severity,
                severity_title=SEVERITY_TITLES[f.severity],
                description=f.description,
                evidence=f.evidence,
                person=f.person,
                remediation_due=f.remediation_due,
            )
            if f
            else None,
        )


class AreaCountView(BaseModel):
    area: InspectionArea
    area_title: str
    compliant: int
    findings: int


class UnitSummaryView(BaseModel):
    unit: UnitRef
    areas: list[AreaCountView]


class InspectionView(BaseModel):
    id: uuid.UUID
    agency: str
    title: str
    decision: DecisionView
    team: list[MemberView]
    targets: list[UnitRef]
    period_start: dt.date
    period_end: dt.date
    scope: list[CriterionView]
    status: Status
    status_title: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    results: list[ResultView]
    summary: list[UnitSummaryView]
    violation_ids: list[uuid.UUID]

    @classmethod
    def of(cls, i: Inspection) -> InspectionView:
        d = i.decision
        return cls(
            id=i.id,
            agency=i.agency,
            title=i.title,
            decision=DecisionView(
                number=d.number,
                symbol=d.symbol,
                date=d.date,
                issuer=d.issuer,
                reference=d.reference,
            ),
            team=[
                MemberView(name=m.name, role=m.role, role_title=ROLE_TITLES[m.role], unit=m.unit)
                for m in i.team
            ],
            targets=list(i.targets),
            period_start=i.period_start,
            period_end=i.period_end,
            scope=[CriterionView.of(c) for c in i.scope],
            status=i.status,
            status_title=STATUS_TITLES[i.status],
            created_at=i.created_at,
            completed_at=i.completed_at,
            results=[ResultView.of(r) for r in i.results],
            summary=[
                UnitSummaryView(
                    unit=s.unit,
                    areas=[
                        AreaCountView(**a.model_dump(), area_title=AREA_TITLES[a.area])
                        for a in s.areas
                    ],
                )
                for s in summarize(i)
            ],
            violation_ids=[v.id for v in i.violations],
        )


class ViolationView(BaseModel):
    id: uuid.UUID
    inspection_id: uuid.UUID
    agency: str
    unit: UnitRef
    criterion: str
    criterion_title: str
    area: InspectionArea
    area_title: str
    severity: Severity
    severity_title: str
    description: str
    evidence: str
    person: str | None
    remediation_due: dt.date
    recorded_at: dt.datetime
    resolved: bool
    resolved_at: dt.datetime | None
    resolution_note: str | None
    on_time: bool | None

    @classmethod
    def of(cls, v: Violation) -> ViolationView:
        return cls(
            **{k: getattr(v, k) for k in cls.model_fields if hasattr(v, k)},
            area_title=AREA_TITLES[v.area],
            severity_title=SEVERITY_TITLES[v.severity],
        )
