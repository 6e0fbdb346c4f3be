"""HTTP API of the reporting service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from services.reporting.domain.model import AnnualReport
from services.reporting.domain.narrative import SECTION_KEYS
from services.reporting.handlers import ReportingService
from shared.auth import CurrentUser, Role
from shared.http import MAX_YEAR, Text
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit, PageRequest, link_next

router = APIRouter(prefix="/v1", tags=["reports"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Year = Annotated[int, Path(ge=2000, le=MAX_YEAR)]
Agency = Annotated[Text, Path(max_length=100)]
# A report section is a few paragraphs; the bound keeps one request from storing, and
# every later report from printing, megabytes of text.
MAX_SECTION_CHARS = 20_000


def service(request: Request) -> ReportingService:
    return request.app.state.reporting  # type: ignore[no-any-return]


Service = Annotated[ReportingService, Depends(service)]


class NarrativeEdit(BaseModel):
    sections: dict[Text, Annotated[Text, Field(max_length=MAX_SECTION_CHARS)]] = Field(
        description=f"Texts by section key: {', '.join(SECTION_KEYS)}.", min_length=1
    )


@router.get("/reports/{agency}/{year}")
async def annual_report(
    agency: Agency, year: Year, svc: Service, user: CurrentUser
) -> AnnualReport:
    return await svc.readable_report(agency, year, user)


@router.get("/reports/{agency}/{year}/docx", response_class=Response)
async def annual_report_docx(
    agency: Agency, year: Year, svc: Service, user: CurrentUser
) -> Response:
    name = f"bao-cao-van-hoa-cong-vu-{agency}-{year}.docx"
    return Response(
        await svc.docx(agency, year, user),
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.put("/reports/{agency}/{year}/narrative")
async def edit_narrative(
    agency: Agency, year: Year, body: NarrativeEdit, svc: Service, user: CurrentUser
) -> AnnualReport:
    return await svc.edit_narrative(agency, year, body.sections, user)


@router.post("/reports/{agency}/{year}/submit")
async def submit(agency: Agency, year: Year, svc: Service, user: CurrentUser) -> dict[str, Any]:
    event = await svc.submit(agency, year, user)
    return {
        "report_id": event.report_id,
        "submitted_at": event.submitted_at,
        "on_time": event.on_time,
    }


@router.get("/reminders")
async def reminders(
    svc: Service,
    user: CurrentUser,
    request: Request,
    response: Response,
    agency: Annotated[Text | None, Query(max_length=100)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[dict[str, Any]]:
    page = await svc.reminders(agency, user, PageRequest(limit, cursor))
    link_next(request, response, page)
    return page.items


@router.get("/provinces/{province}/reports/{year}")
async def province_view(
    province: Annotated[Text, Path(max_length=200)], year: Year, svc: Service, user: CurrentUser
) -> dict[str, Any]:
    return await svc.province(province, year, user)


@router.post("/admin/rebuild", tags=["operations"])
async def rebuild(svc: Service, user: CurrentUser) -> dict[str, int]:
    user.require(Role.OPERATOR, doing="dựng lại dữ liệu báo cáo")
    return await svc.rebuild()
