"""Báo cáo: the department's annual report as it stands (every figure opens onto the
events behind it), its narrative, DOCX/JSON, submission and reminders; and the
province's roll-up for Sở Nội vụ, with on-time completion by department."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from services.console.backend import ApiError
from services.console.web import CurrentDesk, Desk, PostedForm
from shared.auth import AGENCY_MEMBERS, UNIT_ROLES, Role

router = APIRouter()


async def _year(d: Desk, year: int | None) -> int:
    return year or (await d.today("reporting")).year


def _agency(d: Desk) -> str:
    d.user.require(*AGENCY_MEMBERS, doing="xem báo cáo năm")
    return d.user.agency_or_refuse()


async def _may_write(d: Desk, agency: str) -> bool:
    """The leader, or the Office (it drafts the report for the leader to sign)."""
    if d.user.has(Role.LEADER):
        return True
    if not d.user.has(*UNIT_ROLES):
        return False
    directory = await d.api.get("directives", f"/v1/org/{agency}")
    return any(u["code"] == d.user.unit and u["kind"] == "office" for u in directory["units"])


@router.get("/report", response_class=HTMLResponse)
async def report_page(d: CurrentDesk, year: int | None = None) -> HTMLResponse:
    agency = _agency(d)
    year = await _year(d, year)
    report = await d.api.get("reporting", f"/v1/reports/{agency}/{year}")
    received = await d.api.get_all("reporting", "/v1/reminders")
    reminders = [r for r in received if r.get("year") in (None, year)]
    sections = list(report["narrative"].items())  # in the report's own order
    return d.render(
        "report.html",
        report=report,
        year=year,
        years=list(range(2020, year + 2)),
        sections=sections,
        reminders=reminders,
        may_write=await _may_write(d, agency),
        may_submit=d.user.has(Role.LEADER),
    )


@router.get("/report/{year}/docx")
async def report_docx(year: int, d: CurrentDesk) -> Response:
    agency = _agency(d)
    answer = await d.api.raw("reporting", f"/v1/reports/{agency}/{year}/docx")
    return Response(
        answer.content,
        media_type=answer.headers.get("content-type"),
        headers={"Content-Disposition": answer.headers.get("content-disposition", "attachment")},
    )


@router.get("/report/{year}/json")
async def report_json(year: int, d: CurrentDesk) -> Response:
    agency = _agency(d)
    report = await d.api.get("reporting", f"/v1/reports/{agency}/{year}")
    name = f"bao-cao-van-hoa-cong-vu-{agency}-{year}.json"
    return Response(
        json.dumps(report, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/report/{year}/narrative")
async def edit_narrative(year: int, d: CurrentDesk, form: PostedForm) -> Response:
    agency = _agency(d)
    sections = {
        key[len("section.") :]: str(value).strip()
        for key, value in form.items()
        if key.startswith("section.") and isinstance(value, str)
    }
    await d.api.put("reporting", f"/v1/reports/{agency}/{year}/narrative", {"sections": sections})
    return d.done("Đã lưu phần lời của báo cáo.", f"/report?year={year}")


@router.post("/report/{year}/submit")
async def submit(year: int, d: CurrentDesk, form: PostedForm) -> Response:
    agency = _agency(d)
    sent = await d.api.post("reporting", f"/v1/reports/{agency}/{year}/submit")
    when = "đúng hạn" if sent["on_time"] else "quá hạn"
    return d.done(f"Đã gửi báo cáo năm {year} tới Sở Nội vụ ({when}).", f"/report?year={year}")


# --- the province --------------------------------------------------------------------


def chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of on-time completion (percent of tasks done on time) by department, as
    numbers for an inline SVG: no script, readable without colour (values printed)."""
    bar_h, gap, label_w, width = 28, 10, 260, 640
    track_w = width - label_w - 70  # 100 %; the value is printed after it
    bars = []
    for i, row in enumerate(rows):
        pct = float(row["on_time_percent"] or 0.0)
        bars.append(
            {
                "y": i * (bar_h + gap),
                "w": round(track_w * pct / 100, 1),
                "pct": pct,
                "label": row["agency_name"],
            }
        )
    return {
        "bars": bars,
        "bar_h": bar_h,
        "label_w": label_w,
        "track_w": track_w,
        "width": width,
        "height": max(1, len(rows)) * (bar_h + gap),
    }


@router.get("/province", response_class=HTMLResponse)
async def province_page(d: CurrentDesk, year: int | None = None) -> HTMLResponse:
    d.user.require(Role.PROVINCE_READER, doing="xem tổng hợp báo cáo của tỉnh")
    province = d.user.province or ""
    year = await _year(d, year)
    rollup = await d.api.get("reporting", f"/v1/provinces/{province}/reports/{year}")
    rows = []
    for agency in rollup["agencies"]:
        try:
            report = await d.api.get("reporting", f"/v1/reports/{agency['agency']}/{year}")
        except ApiError:
            report = None
        tasks = report["tasks"] if report else None
        rows.append(
            {
                **agency,
                "tasks_total": tasks["total"]["value"] if tasks else None,
                "done_on_time": tasks["done_on_time"]["value"] if tasks else None,
                "on_time_percent": tasks["done_on_time"]["percent"] if tasks else None,
            }
        )
    # The province's plans given to departments, each opening onto its lineage.
    plans = await d.api.get_all("directives", "/v1/directives", year=year)
    return d.render(
        "province.html",
        plans=plans,
        rollup=rollup,
        rows=rows,
        chart=chart(rows),
        year=year,
        years=list(range(2020, year + 2)),
        province=province,
    )
