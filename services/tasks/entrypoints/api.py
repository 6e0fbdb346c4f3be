"""HTTP API of the tasks service."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from services.tasks.domain.model import Status, Task
from services.tasks.handlers import TaskService
from shared.auth import CurrentUser, Role
from shared.contracts.values import Deadline, UnitRef
from shared.http import Day, Text
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit, PageRequest, link_next

router = APIRouter(prefix="/v1", tags=["tasks"])

# Far above the head count of any agency, and inside PostgreSQL's integer column.
MAX_STAFF = 1_000_000


class HistoryView(BaseModel):
    at: dt.datetime
    kind: str
    data: dict[str, Any]


class TaskView(BaseModel):
    id: uuid.UUID
    agency: str
    directive_id: uuid.UUID | None
    directive_reference: str | None
    violation_id: uuid.UUID | None
    assignment_index: int
    occurrence: int | None
    lead_unit: UnitRef
    coordinating_units: list[UnitRef]
    action: str
    deadline: Deadline
    due_date: dt.date | None
    status: Status
    percent: int
    overdue: bool
    result: str | None
    staff_reached: int | None
    completed_at: dt.datetime | None
    on_time: bool | None
    pending_extension: dict[str, Any] | None
    history: list[HistoryView]

    @classmethod
    def of(cls, t: Task, today: dt.date) -> TaskView:
        pending = t.pending_extension
        return cls(
            id=t.id,
            agency=t.agency,
            directive_id=t.directive_id,
            directive_reference=t.directive_reference,
            violation_id=t.violation_id,
            assignment_index=t.assignment_index,
            occurrence=t.occurrence,
            lead_unit=t.lead_unit,
            coordinating_units=list(t.coordinating_units),
            action=t.action,
            deadline=t.deadline,
            due_date=t.due_date,
            status=t.status,
            percent=t.percent,
            overdue=t.is_overdue(today),
            result=t.result,
            staff_reached=t.staff_reached,
            completed_at=t.completed_at,
            on_time=t.on_time,
            pending_extension=(
                {"requested_due_date": pending.requested_due_date, "reason": pending.reason}
                if pending
                else None
            ),
            history=[HistoryView(at=h.at, kind=h.kind, data=h.data) for h in t.history],
        )


class AcknowledgeRequest(BaseModel):
    by: Text | None = Field(default=None, max_length=200)


class ProgressRequest(BaseModel):
    percent: int = Field(ge=0, le=100)
    note: Text = Field(default="", max_length=4000)


class CompleteRequest(BaseModel):
    result: Text = Field(min_length=1, max_length=4000)
    staff_reached: int | None = Field(default=None, ge=0, le=MAX_STAFF)


class ExtensionRequest(BaseModel):
    requested_due_date: Day
    reason: Text = Field(min_length=1, max_length=2000)


class GrantRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)
    new_due_date: Day | None = None


def service(request: Request) -> TaskService:
    return request.app.state.tasks  # type: ignore[no-any-return]


Service = Annotated[TaskService, Depends(service)]


@router.get("/tasks")
async def list_tasks(
    svc: Service,
    user: CurrentUser,
    request: Request,
    response: Response,
    agency: Annotated[Text | None, Query(max_length=100)] = None,
    directive_id: uuid.UUID | None = None,
    unit: Annotated[
        Text | None, Query(max_length=300, description="Lead unit code or name")
    ] = None,
    status: Status | None = None,
    overdue: bool | None = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[TaskView]:
    today = svc.clock.today()
    page = await svc.find(
        user,
        agency=agency,
        directive_id=directive_id,
        unit=unit,
        status=status,
        page=PageRequest(limit, cursor),
    )
    link_next(request, response, page)
    views = [TaskView.of(t, today) for t in page.items]
    if overdue is not None:
        # The working-day rule is the domain's: applied to the page, which may then
        # hold fewer than `limit` tasks (the link still says whether more follow).
        views = [v for v in views if v.overdue is overdue]
    return views


@router.get("/tasks/{task_id}")
async def get_task(task_id: uuid.UUID, svc: Service, user: CurrentUser) -> TaskView:
    return _view(svc, await svc.get(task_id, user))


def _view(svc: TaskService, task: Task) -> TaskView:
    return TaskView.of(task, svc.clock.today())


@router.post("/tasks/{task_id}/acknowledge")
async def acknowledge(
    task_id: uuid.UUID, body: AcknowledgeRequest, svc: Service, user: CurrentUser
) -> TaskView:
    return _view(svc, await svc.acknowledge(task_id, body.by, user))


@router.post("/tasks/{task_id}/progress")
async def progress(
    task_id: uuid.UUID, body: ProgressRequest, svc: Service, user: CurrentUser
) -> TaskView:
    return _view(svc, await svc.report_progress(task_id, body.percent, body.note, user))


@router.post("/tasks/{task_id}/complete")
async def complete(
    task_id: uuid.UUID, body: CompleteRequest, svc: Service, user: CurrentUser
) -> TaskView:
    return _view(svc, await svc.complete(task_id, body.result, body.staff_reached, user))


@router.post("/tasks/{task_id}/extension-request")
async def request_extension(
    task_id: uuid.UUID, body: ExtensionRequest, svc: Service, user: CurrentUser
) -> TaskView:
    return _view(
        svc, await svc.request_extension(task_id, body.requested_due_date, body.reason, user)
    )


@router.post("/tasks/{task_id}/extension-grant")
async def grant_extension(
    task_id: uuid.UUID, body: GrantRequest, svc: Service, user: CurrentUser
) -> TaskView:
    return _view(svc, await svc.grant_extension(task_id, body.reason, body.new_due_date, user))


@router.post("/tasks/overdue-scan", tags=["operations"])
async def overdue_scan(svc: Service, user: CurrentUser) -> dict[str, int]:
    user.require(Role.OPERATOR, doing="chạy quét quá hạn")
    return {"flagged": await svc.scan_overdue()}
