"""Việc của tôi / của đơn vị: tasks due soonest first, their history, and the actions
the person's unit may take (acknowledge, progress, complete, ask for more time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from services.console.present import days_overdue, parse_vn_date
from services.console.web import CurrentDesk, Desk, FormError, PostedForm, date_field, field
from shared.auth import UNIT_ROLES, Role

router = APIRouter()

OPEN = ("assigned", "acknowledged", "in_progress")


def _order(task: dict[str, Any]) -> tuple[int, str, str]:
    """Open before closed; then the nearest due date first (no date last)."""
    closed = task["status"] not in OPEN
    return (int(closed), task.get("due_date") or "9999-12-31", task["action"])


def may_act(d: Desk, task: dict[str, Any]) -> bool:
    """Only the lead unit's people act on a task (the service says the same)."""
    return (
        d.user.has(*UNIT_ROLES)
        and task["lead_unit"].get("code") == d.user.unit
        and task["status"] in OPEN
    )


def _context(d: Desk, task: dict[str, Any], today: dt.date) -> dict[str, Any]:
    return {
        "task": task,
        "late_days": days_overdue(task, today),
        "may_act": may_act(d, task),
        "may_grant": d.user.has(Role.LEADER) and task.get("pending_extension") is not None,
        "role": (
            "Chủ trì"
            if task["lead_unit"].get("code") == d.user.unit
            else "Phối hợp"
            if d.user.unit in {u.get("code") for u in task["coordinating_units"]}
            else ""
        ),
    }


@router.get("/tasks", response_class=HTMLResponse)
async def tasks_page(
    d: CurrentDesk,
    status: str = "",
    directive: str = "",
    due_before: str = "",
) -> HTMLResponse:
    today = await d.today()
    found = await d.api.get_all(
        "tasks", "/v1/tasks", status=status or None, directive_id=directive or None
    )
    try:
        until = parse_vn_date(due_before)
    except ValueError as exc:
        raise FormError(str(exc)) from None
    if until:
        found = [t for t in found if t.get("due_date") and t["due_date"] <= until]
    directives = await d.api.get_all("directives", "/v1/directives", status="issued")
    rows = [_context(d, t, today) for t in sorted(found, key=_order)]
    return d.render(
        "tasks.html",
        rows=rows,
        today=today,
        directives=directives,
        status=status,
        directive=directive,
        due_before=due_before,
        overdue=sum(1 for r in rows if r["late_days"] > 0),
        open_count=sum(1 for r in rows if r["task"]["status"] in OPEN),
    )


async def _after(d: Desk, task: dict[str, Any], message: str) -> Response:
    if d.is_htmx:  # the card alone, updated in place
        return d.render("_task.html", row=_context(d, task, await d.today()), notice=message)
    return d.done(message, "/tasks")


@router.post("/tasks/{task_id}/acknowledge")
async def acknowledge(task_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    task = await d.api.post("tasks", f"/v1/tasks/{task_id}/acknowledge", {"by": d.user.name})
    return await _after(d, task, "Đã tiếp nhận nhiệm vụ.")


@router.post("/tasks/{task_id}/progress")
async def progress(task_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    body = {"percent": int(field(form, "percent") or 0), "note": field(form, "note")}
    task = await d.api.post("tasks", f"/v1/tasks/{task_id}/progress", body)
    return await _after(d, task, f"Đã báo cáo tiến độ {body['percent']}%.")


@router.post("/tasks/{task_id}/complete")
async def complete(task_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    body: dict[str, Any] = {"result": field(form, "result")}
    if field(form, "staff_reached"):
        body["staff_reached"] = int(field(form, "staff_reached"))
    task = await d.api.post("tasks", f"/v1/tasks/{task_id}/complete", body)
    return await _after(d, task, "Đã báo cáo hoàn thành nhiệm vụ.")


@router.post("/tasks/{task_id}/extension-request")
async def extension_request(task_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    body = {
        "requested_due_date": date_field(form, "requested_due_date"),
        "reason": field(form, "reason"),
    }
    task = await d.api.post("tasks", f"/v1/tasks/{task_id}/extension-request", body)
    return await _after(d, task, "Đã gửi đề nghị gia hạn.")


@router.post("/tasks/{task_id}/extension-grant")
async def extension_grant(task_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    body: dict[str, Any] = {"reason": field(form, "reason")}
    if new_due := date_field(form, "new_due_date"):
        body["new_due_date"] = new_due
    task = await d.api.post("tasks", f"/v1/tasks/{task_id}/extension-grant", body)
    return await _after(d, task, "Đã cho gia hạn.")
