"""HTTP API of the inspections service (JSON; field names English, texts Vietnamese)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from services.inspections.domain.model import Status
from services.inspections.domain.planning import Plan
from services.inspections.domain.values import DecidingDocument, Finding, Result, Role, TeamMember
from services.inspections.entrypoints.views import CriterionView, InspectionView, ViolationView
from services.inspections.handlers import InspectionService
from shared.auth import CurrentUser
from shared.contracts.events import Severity
from shared.http import Day, Text
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit, PageRequest, link_next

router = APIRouter(prefix="/v1", tags=["inspections"])


class DecisionRequest(BaseModel):
    number: str = Field(min_length=1, max_length=20, pattern=r"^\d+$", examples=["45"])
    symbol: Text = Field(min_length=1, max_length=40, examples=["QĐ-SXD"])
    date: Day
    issuer: Text = Field(min_length=1, max_length=300, examples=["Giám đốc Sở Xây dựng"])


class MemberRequest(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    role: Role
    unit: Text = Field(min_length=1, max_length=40, description="Unit code, e.g. 'TTr'.")


class PlanRequest(BaseModel):
    agency: Text | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        examples=["sxd-thanhhoa"],
        description="Your own department (from your sign-in when left out).",
    )
    title: Text = Field(min_length=1, max_length=500)
    decision: DecisionRequest
    team: list[MemberRequest] = Field(min_length=1)
    targets: list[Annotated[Text, Field(max_length=40)]] = Field(
        min_length=1, description="Codes of the units inspected."
    )
    period_start: Day
    period_end: Day
    scope: list[Annotated[Text, Field(max_length=40)]] | None = Field(
        default=None, description="Criteria codes; default all."
    )


class FindingRequest(BaseModel):
    severity: Severity
    description: Text = Field(min_length=1, max_length=4000)
    evidence: Text = Field(default="", max_length=4000)
    person: Text | None = Field(default=None, max_length=200)
    remediation_due: Day


class ResultRequest(BaseModel):
    unit: Text = Field(min_length=1, max_length=40, description="Target unit code.")
    criterion: Text = Field(min_length=1, max_length=40, examples=["CONDUCT-4X"])
    inspected_on: Day | None = Field(default=None, description="Default: today.")
    finding: FindingRequest | None = Field(default=None, description="None: compliant.")


class VerifyRequest(BaseModel):
    note: Text = Field(min_length=1, max_length=4000)


def service(request: Request) -> InspectionService:
    return request.app.state.inspections  # type: ignore[no-any-return]


Service = Annotated[InspectionService, Depends(service)]


@router.get("/criteria")
async def list_criteria(svc: Service) -> list[CriterionView]:
    return [CriterionView.of(c) for c in svc.criteria.all]


@router.post("/inspections", status_code=status.HTTP_201_CREATED)
async def plan(body: PlanRequest, svc: Service, user: CurrentUser) -> InspectionView:
    d = body.decision
    # Decree 30: numbers below 10 are written with a leading zero ("05/QĐ-SXD").
    decision = DecidingDocument(d.number.zfill(2), d.symbol, d.date, d.issuer)
    team = [TeamMember(m.name, m.role, m.unit) for m in body.team]
    command = Plan(
        body.agency or user.agency_or_refuse(),
        body.title,
        decision,
        team,
        body.targets,
        body.period_start,
        body.period_end,
        body.scope,
    )
    return InspectionView.of(await svc.plan(command, user))


@router.get("/inspections")
async def list_inspections(
    svc: Service,
    user: CurrentUser,
    request: Request,
    response: Response,
    agency: Annotated[Text | None, Query(max_length=100)] = None,
    status: Status | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[InspectionView]:
    page = await svc.find(user, agency=agency, status=status, page=PageRequest(limit, cursor))
    link_next(request, response, page)
    return [InspectionView.of(i) for i in page.items]


@router.get("/inspections/{inspection_id}")
async def get_inspection(
    inspection_id: uuid.UUID, svc: Service, user: CurrentUser
) -> InspectionView:
    return InspectionView.of(await svc.get(inspection_id, user))


@router.post("/inspections/{inspection_id}/results")
async def record_results(
    inspection_id: uuid.UUID, body: list[ResultRequest], svc: Service, user: CurrentUser
) -> InspectionView:
    today, now = svc.clock.today(), svc.clock.now()
    found = [
        Result(
            unit=r.unit,
            criterion=r.criterion,
            inspected_on=r.inspected_on or today,
            recorded_at=now,
            finding=Finding(**r.finding.model_dump()) if r.finding else None,
        )
        for r in body
    ]
    return InspectionView.of(await svc.record_results(inspection_id, found, user))


@router.post("/inspections/{inspection_id}/complete")
async def complete(inspection_id: uuid.UUID, svc: Service, user: CurrentUser) -> InspectionView:
    return InspectionView.of(await svc.complete(inspection_id, user))


@router.get("/violations")
async def list_violations(
    svc: Service,
    user: CurrentUser,
    request: Request,
    response: Response,
    agency: Annotated[Text | None, Query(max_length=100)] = None,
    unit: Annotated[Text | None, Query(max_length=40)] = None,
    resolved: bool | None = None,
    inspection_id: uuid.UUID | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[ViolationView]:
    page = await svc.find_violations(
        user,
        agency=agency,
        unit=unit,
        resolved=resolved,
        inspection_id=inspection_id,
        page=PageRequest(limit, cursor),
    )
    link_next(request, response, page)
    return [ViolationView.of(v) for v in page.items]


@router.post("/violations/{violation_id}/verify")
async def verify(
    violation_id: uuid.UUID, body: VerifyRequest, svc: Service, user: CurrentUser
) -> ViolationView:
    return ViolationView.of(await svc.verify(violation_id, body.note, user))
