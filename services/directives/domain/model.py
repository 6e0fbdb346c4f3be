"""The directive aggregate: draft → issued → revoked.

Once issued a directive is immutable (Decree 30: a signed document is changed only by
another document); revoking keeps it, marked, with the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum

from shared.contracts.values import DirectiveContent, ImportWarning


class Status(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    REVOKED = "revoked"


class InvalidTransition(Exception):
    """The command does not apply to the directive in its current status."""


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
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def reference(self) -> str | None:
        c = self.content
        return f"{c.number}/{c.symbol}" if c.number and c.symbol else None

    def edit(self, content: DirectiveContent) -> Directive:
        if self.status is not Status.DRAFT:
            raise InvalidTransition(f"directive is {self.status}: an issued directive is immutable")
        return replace(self, content=content)

    def issue(
        self, *, serial: int, number: str, symbol: str, date: dt.date, at: dt.datetime
    ) -> Directive:
        if self.status is not Status.DRAFT:
            raise InvalidTransition(f"directive is already {self.status}")
        if not self.content.subject.strip():
            raise InvalidTransition("a directive needs a subject (trích yếu) before issuing")
        content = self.content.model_copy(update={"number": number, "symbol": symbol, "date": date})
        return replace(
            self, content=content, status=Status.ISSUED, year=date.year, serial=serial, issued_at=at
        )

    def revoke(self, *, reason: str, at: dt.datetime) -> Directive:
        if self.status is not Status.ISSUED:
            raise InvalidTransition(
                f"only an issued directive can be revoked (it is {self.status})"
            )
        if not reason.strip():
            raise InvalidTransition("revoking needs a reason")
        return replace(self, status=Status.REVOKED, revoked_at=at, revoke_reason=reason)
