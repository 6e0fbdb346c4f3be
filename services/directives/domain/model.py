"""The directive aggregate: draft → issued → revoked.

Once issued a directive is immutable (Decree 30: a signed document is changed only by
another document); revoking keeps it, marked, with the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum

from services.directives.domain.lineage import ParentMatch, ambiguous_warning
from shared.contracts.events import DirectiveIssued, DirectiveRevoked
from shared.contracts.values import Actor, DirectiveContent, ImportWarning
from shared.domain import Changed
from shared.errors import InvalidField, InvalidTransition

NO_PARENT = ParentMatch(None)


class Status(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Directive:
    id: uuid.UUID
    agency: str
    content: DirectiveContent
    status: Status = Status.DRAFT
    warnings: tuple[ImportWarning, ...] = ()
    year: int | None = None
    serial: int | None = None
    issued_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revoke_reason: str | None = None
    parent_directive_id: uuid.UUID | None = None  # the upper directive it implements
    addressed_agencies: tuple[str, ...] = ()  # the departments it gives duties to
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def reference(self) -> str | None:
        c = self.content
        return f"{c.number}/{c.symbol}" if c.number and c.symbol else None

    def edit(self, content: DirectiveContent) -> Changed[Directive]:
        """A draft is the office's own until issued: editing it tells no one."""
        if self.status is not Status.DRAFT:
            raise InvalidTransition(f"directive is {self.status}: an issued directive is immutable")
        return Changed(replace(self, content=content))

    def issue(
        self,
        *,
        serial: int,
        number: str,
        symbol: str,
        date: dt.date,
        at: dt.datetime,
        duplicate_of: uuid.UUID | None = None,
        by: Actor | None = None,
        parent: ParentMatch = NO_PARENT,
        addressed: tuple[str, ...] = (),
    ) -> Changed[Directive]:
        """Number, date and sign the draft. `duplicate_of` is an issued directive of the
        same year with the same subject: allowed (a follow-up letter), but warned of.
        `parent` is the upper directive its references cite (an ambiguous match links
        nothing and is warned of); `addressed`, the agencies it gives duties to."""
        if self.status is not Status.DRAFT:
            raise InvalidTransition(f"directive is already {self.status}")
        if not self.content.subject.strip():
            raise InvalidTransition("a directive needs a subject (trích yếu) before issuing")
        content = self.content.model_copy(update={"number": number, "symbol": symbol, "date": date})
        warnings = self.warnings
        if duplicate_of is not None:
            warnings = (
                *warnings,
                ImportWarning(
                    code="duplicate_subject",
                    field="subject",
                    message=f"Đã có văn bản cùng trích yếu ban hành năm {date.year}.",
                ),
            )
        ambiguous = ambiguous_warning(parent)
        # Told once: the import may have found the same ambiguity already.
        if ambiguous is not None and all(w.code != ambiguous.code for w in warnings):
            warnings = (*warnings, ambiguous)
        issued = replace(
            self,
            content=content,
            status=Status.ISSUED,
            year=date.year,
            serial=serial,
            issued_at=at,
            warnings=warnings,
            parent_directive_id=parent.parent_id,
            addressed_agencies=addressed,
        )
        event = DirectiveIssued(
            agency=self.agency,
            directive_id=self.id,
            reference=f"{number}/{symbol}",
            content=content,
            issued_at=at,
            duplicate_of=duplicate_of,
            parent_directive_id=parent.parent_id,
            actor=by,
        )
        return Changed(issued, (event,))

    def revoke(
        self, *, reason: str, at: dt.datetime, by: Actor | None = None
    ) -> Changed[Directive]:
        if self.status is not Status.ISSUED:
            raise InvalidTransition(
                f"only an issued directive can be revoked (it is {self.status})"
            )
        if not reason.strip():
            raise InvalidField("revoking needs a reason", "reason")
        assert self.reference is not None  # an issued directive has its number and symbol
        revoked = replace(self, status=Status.REVOKED, revoked_at=at, revoke_reason=reason)
        event = DirectiveRevoked(
            agency=self.agency,
            directive_id=self.id,
            reference=self.reference,
            reason=reason,
            revoked_at=at,
            actor=by,
        )
        return Changed(revoked, (event,))
