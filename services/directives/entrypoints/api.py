"""HTTP API of the directives service (JSON; field names English, texts Vietnamese)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from services.directives.adapters.documents import MEDIA_TYPES, letter_text
from services.directives.domain import lineage as cascade
from services.directives.domain.model import Directive, Status
from services.directives.domain.numbering import NumberSeries
from services.directives.handlers import DirectiveService
from shared.auth import CurrentUser
from shared.contracts.values import DirectiveContent, ImportWarning, Unit
from shared.errors import InvalidField
from shared.http import MAX_YEAR, MIN_YEAR, Day, Storable, Text
from shared.pagination import DEFAULT_LIMIT, Cursor, Limit, PageRequest, link_next

router = APIRouter(prefix="/v1", tags=["directives"])

MAX_LETTER_CHARS = 200_000
MAX_AGENCY_CHARS = 100

# A directive's content as the API takes it: the contract type, plus the storability
# checks (text PostgreSQL can keep, dates inside the platform's years) on every field.
Content = Annotated[DirectiveContent, Storable]
Agency = Annotated[Text, Field(max_length=MAX_AGENCY_CHARS)]


class DutyView(BaseModel):
    """A duty of an upper directive addressed to a department."""

    index: int = Field(description="The assignment's position in the directive.")
    action: str
    role: str = Field(description="lead (chủ trì) or coordinate (phối hợp).")
    deadline: str = Field(default="", description="The deadline as the directive writes it.")

    @classmethod
    def of(cls, d: cascade.Duty) -> DutyView:
        return cls(index=d.index, action=d.action, role=d.role, deadline=d.deadline)


class DirectiveView(DirectiveContent):
    """A directive as the API shows it: its content plus where it stands."""

    id: uuid.UUID
    agency: str
    status: Status
    reference: str | None
    issued_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revoke_reason: str | None = None
    warnings: tuple[ImportWarning, ...] = ()
    parent_directive_id: uuid.UUID | None = Field(
        default=None, description="The upper body's directive this one implements."
    )
    addressed_agencies: tuple[str, ...] = Field(
        default=(), description="The agencies (departments) it gives duties to."
    )
    duties: list[DutyView] | None = Field(
        default=None,
        description="In the incoming list: the duties it gives the caller's department.",
    )

    @classmethod
    def of(cls, d: Directive, duties: list[cascade.Duty] | None = None) -> DirectiveView:
        return cls(
            **d.content.model_dump(),
            id=d.id,
            agency=d.agency,
            status=d.status,
            reference=d.reference,
            issued_at=d.issued_at,
            revoked_at=d.revoked_at,
            revoke_reason=d.revoke_reason,
            warnings=d.warnings,
            parent_directive_id=d.parent_directive_id,
            addressed_agencies=d.addressed_agencies,
            duties=None if duties is None else [DutyView.of(x) for x in duties],
        )


class ImportRequest(BaseModel):
    text: Text = Field(
        min_length=1, max_length=MAX_LETTER_CHARS, description="The letter, plain text."
    )
    agency: Agency | None = Field(default=None, description="Whose unit directory applies.")


class DraftRequest(BaseModel):
    agency: Agency | None = None
    content: Content


class RevokeRequest(BaseModel):
    reason: Text = Field(min_length=1, max_length=2000)


def service(request: Request) -> DirectiveService:
    return request.app.state.directives  # type: ignore[no-any-return]


Service = Annotated[DirectiveService, Depends(service)]


@router.post("/directives/import", status_code=201)
async def import_letter(body: ImportRequest, svc: Service, user: CurrentUser) -> DirectiveView:
    return DirectiveView.of(await svc.import_letter(body.text, body.agency, user))


@router.post(
    "/directives/import/document",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in MEDIA_TYPES},
        }
    },
)
async def import_document(
    request: Request,
    svc: Service,
    user: CurrentUser,
    agency: Annotated[Agency | None, Query(description="Whose draft it becomes.")] = None,
) -> DirectiveView:
    """A letter as a file (DOCX, PDF with a text layer, or UTF-8 text), by media type."""
    text = letter_text(await request.body(), request.headers.get("content-type", ""))
    if len(text) > MAX_LETTER_CHARS:
        raise InvalidField(f"the letter is longer than {MAX_LETTER_CHARS} characters", "document")
    return DirectiveView.of(await svc.import_letter(text, agency, user))


@router.post("/directives", status_code=201)
async def create_draft(body: DraftRequest, svc: Service, user: CurrentUser) -> DirectiveView:
    return DirectiveView.of(await svc.create_draft(body.agency, body.content, user))


@router.put("/directives/{directive_id}")
async def edit_draft(
    directive_id: uuid.UUID, content: Annotated[Content, Body()], svc: Service, user: CurrentUser
) -> DirectiveView:
    return DirectiveView.of(await svc.edit_draft(directive_id, content, user))


@router.post("/directives/{directive_id}/issue")
async def issue(directive_id: uuid.UUID, svc: Service, user: CurrentUser) -> DirectiveView:
    return DirectiveView.of(await svc.issue(directive_id, user))


@router.post("/directives/{directive_id}/revoke")
async def revoke(
    directive_id: uuid.UUID, body: RevokeRequest, svc: Service, user: CurrentUser
) -> DirectiveView:
    return DirectiveView.of(await svc.revoke(directive_id, body.reason, user))


@router.get("/directives/{directive_id}")
async def get_directive(directive_id: uuid.UUID, svc: Service, user: CurrentUser) -> DirectiveView:
    return DirectiveView.of(await svc.get(directive_id, user))


@router.get("/directives")
async def list_directives(
    svc: Service,
    user: CurrentUser,
    request: Request,
    response: Response,
    agency: Annotated[Agency | None, Query(description="Only your own department.")] = None,
    status: Status | None = None,
    year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)] = None,
    incoming: Annotated[
        bool,
        Query(
            description="The upper bodies' directives giving your department duties "
            "(with those duties), instead of your department's own."
        ),
    ] = False,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[DirectiveView]:
    if incoming:
        got = await svc.incoming(user, page=PageRequest(limit, cursor))
        link_next(request, response, got)
        own = user.agency_or_refuse()
        return [DirectiveView.of(d, svc.duties_for(d, own)) for d in got.items]
    page = await svc.find(
        user, agency=agency, status=status, year=year, page=PageRequest(limit, cursor)
    )
    link_next(request, response, page)
    return [DirectiveView.of(d) for d in page.items]


class NumberSeriesView(BaseModel):
    agency: str
    year: int
    last_issued: int = Field(description="The last number given this year; 0: none yet.")
    next_number: int = Field(description="The number the next document issued will take.")

    @classmethod
    def of(cls, s: NumberSeries) -> NumberSeriesView:
        return cls(
            agency=s.agency, year=s.year, last_issued=s.last_issued, next_number=s.next_number
        )


class ContinueSeriesRequest(BaseModel):
    last_issued: int = Field(
        ge=1,
        le=999_999,
        description="The last number the department issued this year outside the platform.",
    )


Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR)]


@router.get("/number-series/{agency}/{year}")
async def get_number_series(
    agency: Annotated[Agency, Path()], year: Year, svc: Service, user: CurrentUser
) -> NumberSeriesView:
    """The department's register of outgoing documents (sổ văn bản đi) for a year."""
    return NumberSeriesView.of(await svc.number_series(agency, year, user))


@router.put("/number-series/{agency}/{year}")
async def continue_number_series(
    agency: Annotated[Agency, Path()],
    year: Year,
    body: ContinueSeriesRequest,
    svc: Service,
    user: CurrentUser,
) -> NumberSeriesView:
    """A department starting on the platform mid-year continues its paper register:
    the next document issued here takes the number after `last_issued`. Never backwards
    (409): numbers given here already would repeat."""
    return NumberSeriesView.of(
        await svc.continue_number_series(agency, year, body.last_issued, user)
    )


class CountsView(BaseModel):
    assigned: int
    completed: int
    completed_on_time: int
    overdue: int

    @classmethod
    def of(cls, c: cascade.Counts) -> CountsView:
        return cls(
            assigned=c.assigned,
            completed=c.completed,
            completed_on_time=c.completed_on_time,
            overdue=c.overdue,
        )


class DutyProgressView(DutyView):
    progress: CountsView = Field(description="The issuing body's own task(s) of this duty.")


class LineageDirective(BaseModel):
    id: uuid.UUID
    agency: str
    reference: str | None
    subject: str
    date: dt.date | None
    status: str


class BranchView(BaseModel):
    """A department the directive gives duties to."""

    agency: str
    name: str
    duties: list[DutyProgressView]
    implementing: list[LineageView] = Field(
        description="Its directives implementing this one (issued, citing it)."
    )
    progress: CountsView = Field(description="Every task of its implementing directives.")


class LineageView(BaseModel):
    directive: LineageDirective
    progress: CountsView = Field(description="Every task of this directive.")
    departments: list[BranchView]

    @classmethod
    def of(cls, node: cascade.Node) -> LineageView:
        d = node.directive
        return cls(
            directive=LineageDirective(
                id=d.id,
                agency=d.agency,
                reference=d.reference,
                subject=d.subject,
                date=d.date,
                status=d.status,
            ),
            progress=CountsView.of(node.counts),
            departments=[
                BranchView(
                    agency=b.agency,
                    name=b.name,
                    duties=[
                        DutyProgressView(
                            **DutyView.of(p.duty).model_dump(), progress=CountsView.of(p.counts)
                        )
                        for p in b.duties
                    ],
                    implementing=[LineageView.of(k) for k in b.children],
                    progress=CountsView.of(b.counts),
                )
                for b in node.branches
            ],
        )


BranchView.model_rebuild()  # it nests LineageView, defined after it


@router.get("/directives/{directive_id}/lineage")
async def get_lineage(directive_id: uuid.UUID, svc: Service, user: CurrentUser) -> LineageView:
    """The tree down from a directive: each department it gives duties to, the progress
    of each duty, the department's implementing directives and their progress."""
    return LineageView.of(await svc.lineage(directive_id, user))


class DirectoryView(BaseModel):
    agency: str
    name: str
    short_name: str
    province: str
    units: list[Unit]
    valid_from: dt.date | None = Field(
        default=None, description="The day this version took effect; None: the first."
    )


@router.get("/org/{agency}")
async def get_directory(
    agency: Annotated[Agency, Path()],
    svc: Service,
    user: CurrentUser,
    on: Annotated[
        Day | None, Query(description="The version in force that day; the newest if absent.")
    ] = None,
) -> DirectoryView:
    d = svc.directory(agency, user, on)
    return DirectoryView(
        agency=d.code,
        name=d.name,
        short_name=d.short_name,
        province=d.province,
        units=list(d.units),
        valid_from=d.valid_from,
    )
