"""Rows ↔ domain objects for the inspections tables (JSONB shapes included)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from services.inspections.domain.criteria import Criterion
from services.inspections.domain.model import Inspection, Status
from services.inspections.domain.values import DecidingDocument, Finding, Result, Role, TeamMember
from services.inspections.domain.violation import Violation
from shared.contracts.events import InspectionArea, Severity
from shared.contracts.values import UnitRef


def inspection_row(i: Inspection) -> dict[str, Any]:
    d = i.decision
    return {
        "id": i.id,
        "agency": i.agency,
        "title": i.title,
        "decision": {
            "number": d.number,
            "symbol": d.symbol,
            "date": d.date.isoformat(),
            "issuer": d.issuer,
        },
        "team": [{"name": m.name, "role": m.role.value, "unit": m.unit} for m in i.team],
        "targets": [u.model_dump() for u in i.targets],
        "scope": [{"code": c.code, "title": c.title, "area": c.area.value} for c in i.scope],
        "period_start": i.period_start,
        "period_end": i.period_end,
        "status": i.status.value,
        "created_at": i.created_at,
        "completed_at": i.completed_at,
    }


def result_row(inspection_id: uuid.UUID, r: Result) -> dict[str, Any]:
    f = r.finding
    return {
        "inspection_id": inspection_id,
        "unit": r.unit,
        "criterion": r.criterion,
        "inspected_on": r.inspected_on,
        "recorded_at": r.recorded_at,
        "compliant": f is None,
        "severity": f.severity.value if f else None,
        "description": f.description if f else None,
        "evidence": f.evidence if f else None,
        "person": f.person if f else None,
        "remediation_due": f.remediation_due if f else None,
    }


def violation_row(v: Violation) -> dict[str, Any]:
    return {
        "id": v.id,
        "inspection_id": v.inspection_id,
        "agency": v.agency,
        "unit_code": v.unit.code,
        "unit_name": v.unit.name,
        "criterion": v.criterion,
        "criterion_title": v.criterion_title,
        "area": v.area.value,
        "severity": v.severity.value,
        "description": v.description,
        "evidence": v.evidence,
        "person": v.person,
        "remediation_due": v.remediation_due,
        "recorded_at": v.recorded_at,
        "resolved_at": v.resolved_at,
        "resolution_note": v.resolution_note,
        "on_time": v.on_time,
    }


def result(r: Any) -> Result:
    finding = None
    if not r["compliant"]:
        finding = Finding(
            severity=Severity(r["severity"]),
            description=r["description"],
            remediation_due=r["remediation_due"],
            evidence=r["evidence"] or "",
            person=r["person"],
        )
    return Result(r["unit"], r["criterion"], r["inspected_on"], r["recorded_at"], finding)


def violation(r: Any) -> Violation:
    return Violation(
        id=r["id"],
        inspection_id=r["inspection_id"],
        agency=r["agency"],
        unit=UnitRef(code=r["unit_code"], name=r["unit_name"]),
        criterion=r["criterion"],
        criterion_title=r["criterion_title"],
        area=InspectionArea(r["area"]),
        severity=Severity(r["severity"]),
        description=r["description"],
        evidence=r["evidence"],
        person=r["person"],
        remediation_due=r["remediation_due"],
        recorded_at=r["recorded_at"],
        resolved_at=r["resolved_at"],
        resolution_note=r["resolution_note"],
        on_time=r["on_time"],
    )


def inspection(r: Any, found: Sequence[Result], found_v: Sequence[Violation]) -> Inspection:
    d = r["decision"]
    return Inspection(
        id=r["id"],
        agency=r["agency"],
        title=r["title"],
        decision=DecidingDocument(
            d["number"], d["symbol"], dt.date.fromisoformat(d["date"]), d["issuer"]
        ),
        team=tuple(TeamMember(m["name"], Role(m["role"]), m["unit"]) for m in r["team"]),
        targets=tuple(UnitRef(**u) for u in r["targets"]),
        period_start=r["period_start"],
        period_end=r["period_end"],
        scope=tuple(
            Criterion(c["code"], c["title"], InspectionArea(c["area"])) for c in r["scope"]
        ),
        created_at=r["created_at"],
        status=Status(r["status"]),
        results=tuple(found),
        completed_at=r["completed_at"],
        violations=tuple(found_v),
    )


def ordered(i: Inspection) -> Inspection:
    units_ = [u.code for u in i.targets]
    codes = [c.code for c in i.scope]
    key = {(u, c): n for n, (u, c) in enumerate((u, c) for u in units_ for c in codes)}
    return replace(
        i,
        results=tuple(sorted(i.results, key=lambda r: key[(r.unit, r.criterion)])),
        violations=tuple(sorted(i.violations, key=lambda v: key[(str(v.unit.code), v.criterion)])),
    )
