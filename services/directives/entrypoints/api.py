"""HTTP API of the directives service (JSON; field names English, texts Vietnamese)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from services.directives.adapters import repository as repo
from services.directives.domain.errors import NotADirective
from services.directives.domain.model import Directive, InvalidTransition, Status
from services.directives.handlers import DirectiveCommands, check_deadlines
from shared.contracts.values import DirectiveContent, ImportWarning, Unit
from shared.http import MAX_YEAR, MIN_YEAR, Conflict, NotFound, Storable, Text, Unprocessable

router = APIRouter(prefix="/v1", tags=["directives"])

MAX_LETTER_CHARS = 200_000
MAX_AGENCY_CHARS = 100

# A directive's content as the API takes it: the contract type, plus the storability
# checks (text PostgreSQL can keep, dates inside the platform's years) on every field.
Content = Annotated[DirectiveContent, Storable]
Agency = Annotated[Text, Field(max_length=MAX_AGENCY_CHARS)]


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

    @classmethod
    def of(cls, d: Directive) -> DirectiveView:
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


def commands(request: Request) -> DirectiveCommands:
    return request.app.state.commands  # type: ignore[no-any-return]


Commands = Annotated[DirectiveCommands, Depends(commands)]


def _transition(exc: InvalidTransition) -> Conflict:
    return Conflict(str(exc))


@router.post("/directives/import", status_code=201)
async def import_letter(body: ImportRequest, cmd: Commands) -> DirectiveView:
    try:
        directive = await cmd.import_letter(body.text, body.agency)
    except NotADirective as exc:
        raise Unprocessable(str(exc), "text") from exc
    return DirectiveView.of(directive)


@router.post("/directives", status_code=201)
async def create_draft(body: DraftRequest, cmd: Commands) -> DirectiveView:
    agency = cmd.directories.get(body.agency).code
    # Refused already when the clerk writes the draft; the same check guards the
    # issue of any draft, imported ones included.
    check_deadlines(body.content, "body.content.")
    return DirectiveView.of(await cmd.create_draft(agency, body.content))


@router.put("/directives/{directive_id}")
async def edit_draft(
    directive_id: uuid.UUID, content: Annotated[Content, Body()], cmd: Commands
) -> DirectiveView:
    check_deadlines(content, "body.")
    try:
        return DirectiveView.of(await cmd.edit_draft(directive_id, content))
    except InvalidTransition as exc:
        raise _transition(exc) from exc


@router.post("/directives/{directive_id}/issue")
async def issue(directive_id: uuid.UUID, cmd: Commands) -> DirectiveView:
    try:
        result = await cmd.issue(directive_id)
    except InvalidTransition as exc:
        raise _transition(exc) from exc
    return DirectiveView.of(result.directive)


@router.post("/directives/{directive_id}/revoke")
async def revoke(directive_id: uuid.UUID, body: RevokeRequest, cmd: Commands) -> DirectiveView:
    try:
        return DirectiveView.of(await cmd.revoke(directive_id, body.reason))
    except InvalidTransition as exc:
        raise _transition(exc) from exc


@router.get("/directives/{directive_id}")
async def get_directive(directive_id: uuid.UUID, cmd: Commands) -> DirectiveView:
    async with cmd.db.sessions() as session:
        directive = await repo.get(session, directive_id)
    if directive is None:
        raise NotFound(f"directive {directive_id} not found")
    return DirectiveView.of(directive)


@router.get("/directives")
async def list_directives(
    cmd: Commands,
    agency: Annotated[Agency | None, Query()] = None,
    status: Status | None = None,
    year: Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)] = None,
) -> list[DirectiveView]:
    async with cmd.db.sessions() as session:
        found = await repo.list_(
            session, agency=agency, status=status.value if status else None, year=year
        )
    return [DirectiveView.of(d) for d in found]


class DirectoryView(BaseModel):
    agency: str
    name: str
    short_name: str
    province: str
    units: list[Unit]


@router.get("/org/{agency}")
async def get_directory(agency: Annotated[Agency, Path()], cmd: Commands) -> DirectoryView:
    # The directory is the resource named by the path: unknown is 404, not bad input.
    if agency not in cmd.directories.by_code:
        raise NotFound(f"no unit directory for agency {agency!r}")
    d = cmd.directories.get(agency)
    return DirectoryView(
        agency=d.code,
        name=d.name,
        short_name=d.short_name,
        province=d.province,
        units=list(d.units),
    )
