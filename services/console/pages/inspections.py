"""Kiểm tra: inspections of public-service culture (Decision 1847), their results per
unit and criterion, the violations found and their remedies; the inspector acts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from services.console.web import CurrentDesk, PostedForm, date_field, field
from shared.auth import Role

router = APIRouter()


@router.get("/inspections", response_class=HTMLResponse)
async def inspections_page(d: CurrentDesk) -> HTMLResponse:
    inspections = await d.api.get_all("inspections", "/v1/inspections")
    violations = await d.api.get_all("inspections", "/v1/violations")
    by_inspection: dict[str, list[dict[str, Any]]] = {}
    for v in violations:
        by_inspection.setdefault(v["inspection_id"], []).append(v)
    inspector = d.user.has(Role.INSPECTOR)
    units: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    if inspector and d.user.agency:
        units = (await d.api.get("directives", f"/v1/org/{d.user.agency}"))["units"]
        criteria = await d.api.get("inspections", "/v1/criteria")
    return d.render(
        "inspections.html",
        inspections=sorted(inspections, key=lambda i: i["period_start"], reverse=True),
        violations=by_inspection,
        inspector=inspector,
        units=units,
        criteria=criteria,
        today=await d.today("inspections"),
    )


@router.post("/inspections/plan")
async def plan(d: CurrentDesk, form: PostedForm) -> Response:
    team = []
    for i in range(3):
        name = field(form, f"team{i}.name")
        if name:
            team.append(
                {
                    "name": name,
                    "role": field(form, f"team{i}.role") or "member",
                    "unit": field(form, f"team{i}.unit"),
                }
            )
    body = {
        "title": field(form, "title"),
        "decision": {
            "number": field(form, "decision_number"),
            "symbol": field(form, "decision_symbol"),
            "date": date_field(form, "decision_date"),
            "issuer": field(form, "decision_issuer"),
        },
        "team": team,
        "targets": [str(t) for t in form.getlist("targets")],
        "period_start": date_field(form, "period_start"),
        "period_end": date_field(form, "period_end"),
        "scope": [str(c) for c in form.getlist("scope")] or None,
    }
    await d.api.post("inspections", "/v1/inspections", body)
    return d.done("Đã lập kế hoạch kiểm tra.", "/inspections")


@router.post("/inspections/{inspection_id}/results")
async def record(inspection_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    """One finding, or the remaining criteria of a unit recorded as compliant."""
    unit = field(form, "unit")
    inspection = await d.api.get("inspections", f"/v1/inspections/{inspection_id}")
    if field(form, "compliant_rest") == "1":
        recorded = {(r["unit"], r["criterion"]) for r in inspection["results"]}
        results: list[dict[str, Any]] = [
            {"unit": unit, "criterion": c["code"]}
            for c in inspection["scope"]
            if (unit, c["code"]) not in recorded
        ]
        message = f"Đã ghi {len(results)} tiêu chí đạt."
    else:
        results = [
            {
                "unit": unit,
                "criterion": field(form, "criterion"),
                "finding": {
                    "severity": field(form, "severity"),
                    "description": field(form, "description"),
                    "evidence": field(form, "evidence"),
                    "remediation_due": date_field(form, "remediation_due"),
                },
            }
        ]
        message = "Đã ghi vi phạm."
    if results:
        await d.api.post("inspections", f"/v1/inspections/{inspection_id}/results", results)
    return d.done(message, "/inspections")


@router.post("/inspections/{inspection_id}/complete")
async def complete(inspection_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    await d.api.post("inspections", f"/v1/inspections/{inspection_id}/complete")
    return d.done("Đã kết thúc cuộc kiểm tra.", "/inspections")


@router.post("/violations/{violation_id}/verify")
async def verify(violation_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    await d.api.post(
        "inspections", f"/v1/violations/{violation_id}/verify", {"note": field(form, "note")}
    )
    return d.done("Đã xác minh việc khắc phục.", "/inspections")
