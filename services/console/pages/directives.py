"""Văn bản: import a letter (paste or upload), the draft with the importer's warnings
next to the fields they concern, assignments edited, issued (leader), revoked."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from services.console.backend import ApiError
from services.console.present import DOC_TYPE_NAMES, FIELD_LABELS, URGENCY
from services.console.web import CurrentDesk, Desk, FormError, PostedForm, date_field, field
from shared.auth import AGENCY_MEMBERS, Role
from shared.contracts.values import DirectiveContent

router = APIRouter()

# What a draft's edit form sends back: every field of the directive's content.
CONTENT_FIELDS = tuple(DirectiveContent.model_fields)
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class LetterError(ValueError):
    pass


# The directives service reads the file (services/directives/adapters/documents.py);
# the console only names its media type.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def _media_type(name: str) -> str:
    for suffix, media_type in MEDIA_TYPES.items():
        if name.lower().endswith(suffix):
            return media_type
    raise LetterError("Chỉ nhận tệp .txt, .docx hoặc .pdf.")


def _warnings_by_field(directive: dict[str, Any]) -> dict[str, list[str]]:
    """`assignments[1].deadline` → shown next to assignment 1's deadline."""
    found: dict[str, list[str]] = defaultdict(list)
    for w in directive.get("warnings") or ():
        found[str(w["field"])].append(str(w["message"]))
    return found


async def _completion(d: Desk) -> dict[str, tuple[int, int]]:
    done: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task in await d.api.get_all("tasks", "/v1/tasks"):
        if task.get("directive_id") and task["status"] != "cancelled":
            done[task["directive_id"]][1] += 1
            done[task["directive_id"]][0] += task["status"] == "completed"
    return {k: (v[0], v[1]) for k, v in done.items()}


@router.get("/directives", response_class=HTMLResponse)
async def directives_page(d: CurrentDesk, status: str = "") -> HTMLResponse:
    directives = await d.api.get_all("directives", "/v1/directives", status=status or None)
    directives.sort(key=lambda x: (x.get("issued_at") or "9999", x.get("date") or ""), reverse=True)
    # What the upper body (UBND tỉnh) addresses to the department: its incoming plans.
    incoming = []
    if d.user.has(*AGENCY_MEMBERS):
        incoming = await d.api.get_all("directives", "/v1/directives", incoming="true")
    register = None
    if d.user.agency and d.user.has(Role.CLERK, Role.LEADER):
        year = (await d.today("directives")).year
        register = await d.api.get("directives", f"/v1/number-series/{d.user.agency}/{year}")
    return d.render(
        "directives.html",
        directives=directives,
        incoming=incoming,
        completion=await _completion(d),
        status=status,
        may_import=d.user.has(Role.CLERK),
        register=register,
        may_continue_register=d.user.has(Role.CLERK),
    )


@router.post("/directives/register")
async def continue_register(d: CurrentDesk, form: PostedForm) -> Response:
    """The department starts on the platform mid-year: its register of outgoing
    documents continues the paper one (the service refuses going backwards)."""
    typed = field(form, "last_issued")
    if not typed.isdigit() or int(typed) < 1:
        raise FormError("Số cuối cùng đã cấp trên sổ giấy phải là một số nguyên dương.")
    year = (await d.today("directives")).year
    register = await d.api.put(
        "directives",
        f"/v1/number-series/{d.user.agency}/{year}",
        {"last_issued": int(typed)},
    )
    message = (
        f"Sổ văn bản đi năm {register['year']} tiếp nối sổ giấy: "
        f"văn bản ban hành tiếp theo mang số {register['next_number']:02d}."
    )
    return d.done(message, "/directives")


@router.post("/directives/import")
async def import_letter(d: CurrentDesk, form: PostedForm) -> Response:
    text = field(form, "text")
    upload = form.get("file")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            media_type = _media_type(upload.filename)
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise LetterError("Tệp lớn hơn 2 MB.")
            try:
                draft = await d.api.post_document(
                    "directives", "/v1/directives/import/document", data, media_type
                )
            except ApiError as exc:
                if exc.status != 422:
                    raise
                raise LetterError(f"Không đọc được nội dung tệp ({exc.detail}).") from None
        elif text.strip():
            draft = await d.api.post("directives", "/v1/directives/import", {"text": text})
        else:
            raise LetterError("Hãy dán nội dung văn bản hoặc chọn tệp.")
    except LetterError as exc:
        return d.done(str(exc), "/directives")
    message = "Đã nhập văn bản thành dự thảo. Kiểm tra các điểm cần lưu ý."
    return d.done(message, f"/directives/{draft['id']}")


@router.get("/directives/{directive_id}", response_class=HTMLResponse)
async def directive_page(directive_id: str, d: CurrentDesk) -> HTMLResponse:
    directive = await d.api.get("directives", f"/v1/directives/{directive_id}")
    editable = directive["status"] == "draft" and d.user.has(Role.CLERK)
    units: list[dict[str, Any]] = []
    if editable and d.user.agency:
        units = (await d.api.get("directives", f"/v1/org/{d.user.agency}"))["units"]
    tasks = []
    # Another body's directive (an incoming plan, the province's view) has no tasks here.
    if directive["status"] != "draft" and directive["agency"] == d.user.agency:
        tasks = await d.api.get_all("tasks", "/v1/tasks", directive_id=directive_id)
    return d.render(
        "directive.html",
        directive=directive,
        warnings=_warnings_by_field(directive),
        field_labels=FIELD_LABELS,
        doc_types=DOC_TYPE_NAMES,
        urgencies=URGENCY,
        editable=editable,
        units=units,
        tasks=tasks,
        may_issue=directive["status"] == "draft" and d.user.has(Role.LEADER),
        # An upper body's directive is read here, never revoked.
        may_revoke=directive["status"] == "issued"
        and d.user.has(Role.LEADER)
        and directive["agency"] == d.user.agency,
    )


@router.get("/directives/{directive_id}/lineage", response_class=HTMLResponse)
async def lineage_page(directive_id: str, d: CurrentDesk) -> HTMLResponse:
    """The cascade from a directive: each department it gives duties to, how far each
    duty is done, the department's implementing directives and their tasks."""
    tree = await d.api.get("directives", f"/v1/directives/{directive_id}/lineage")
    return d.render("lineage.html", tree=tree)


@router.post("/directives/{directive_id}/edit")
async def edit(directive_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    directive = await d.api.get("directives", f"/v1/directives/{directive_id}")
    content = {k: directive.get(k) for k in CONTENT_FIELDS}
    content["subject"] = field(form, "subject") or content["subject"]
    content["doc_type"] = field(form, "doc_type") or content["doc_type"]
    content["urgency"] = field(form, "urgency") or content["urgency"]
    units = {
        u["code"]: u for u in (await d.api.get("directives", f"/v1/org/{d.user.agency}"))["units"]
    }
    assignments = []
    for i, a in enumerate(content["assignments"] or ()):
        a = dict(a)
        a["action"] = field(form, f"a{i}.action") or a["action"]
        lead = field(form, f"a{i}.lead")
        if lead in units:
            a["lead_unit"] = {"code": lead, "name": units[lead]["name"]}
        coordinating = [str(c) for c in form.getlist(f"a{i}.coordinating")]
        if f"a{i}.coordinating_sent" in form:
            a["coordinating_units"] = [
                {"code": c, "name": units[c]["name"]} for c in coordinating if c in units
            ]
        due = date_field(form, f"a{i}.due")
        if due and (a["deadline"]["kind"] in ("date", "none")):
            year, month, day = due.split("-")
            a["deadline"] = {
                "kind": "date",
                "date": due,
                "text": f"trước ngày {int(day)}/{int(month)}/{year}",
            }
        assignments.append(a)
    content["assignments"] = assignments
    await d.api.put("directives", f"/v1/directives/{directive_id}", content)
    return d.done("Đã lưu dự thảo.", f"/directives/{directive_id}")


@router.post("/directives/{directive_id}/issue")
async def issue(directive_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    issued = await d.api.post("directives", f"/v1/directives/{directive_id}/issue")
    return d.done(f"Đã ban hành văn bản số {issued['reference']}.", f"/directives/{directive_id}")


@router.post("/directives/{directive_id}/revoke")
async def revoke(directive_id: str, d: CurrentDesk, form: PostedForm) -> Response:
    await d.api.post(
        "directives", f"/v1/directives/{directive_id}/revoke", {"reason": field(form, "reason")}
    )
    return d.done("Đã thu hồi văn bản.", f"/directives/{directive_id}")
