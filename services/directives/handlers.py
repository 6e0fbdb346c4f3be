"""Commands of the directives service: each one transaction, effects via the outbox."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.directives.adapters import repository as repo
from services.directives.domain import numbering
from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.domain.importer import import_letter
from services.directives.domain.model import Directive, InvalidTransition, Status
from shared.clock import Clock
from shared.contracts.events import DirectiveIssued, DirectiveRevoked, OrgDirectoryPublished
from shared.contracts.values import DeadlineKind, DirectiveContent, ImportWarning
from shared.db import Database
from shared.http import NotFound, Unprocessable
from shared.messaging.outbox import Outbox

log = logging.getLogger(__name__)


class Directories:
    """The unit directories this deployment serves, one YAML file per agency."""

    def __init__(self, directories: Sequence[UnitDirectory], default: str) -> None:
        self.by_code = {d.code: d for d in directories}
        self.default = default
        if default not in self.by_code:
            raise ValueError(f"default agency {default!r} has no directory file")

    @classmethod
    def load(cls, folder: Path, default: str) -> Directories:
        files = sorted(folder.glob("*.yaml"))
        return cls([load_directory(f) for f in files], default)

    def get(self, agency: str | None) -> UnitDirectory:
        code = agency or self.default
        try:
            return self.by_code[code]
        except KeyError:
            known = ", ".join(sorted(self.by_code))
            raise Unprocessable(f"unknown agency {code!r} (known: {known})", "agency") from None


def check_deadlines(content: DirectiveContent, at: str = "content.") -> None:
    """Refuse a deadline the services downstream cannot schedule (422 naming it).

    A yearly duty falls due on a day and month of each year; without both, the tasks
    service cannot date its occurrences nor the reporting service its reminders, and
    each would fail on the issued event instead of the clerk hearing about it here.
    `at` is where the content sits in the request, for the field named in the error."""
    for i, a in enumerate(content.assignments):
        d = a.deadline
        if d.kind is DeadlineKind.YEARLY and (d.day is None or d.month is None):
            missing = "day" if d.day is None else "month"
            raise Unprocessable(
                "a yearly deadline needs a day and a month",
                f"{at}assignments.{i}.deadline.{missing}",
            )


@dataclass
class IssueResult:
    directive: Directive
    duplicate_of: uuid.UUID | None


class DirectiveCommands:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock, directories: Directories):
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.directories = directories

    async def import_letter(self, text: str, agency: str | None) -> Directive:
        directory = self.directories.get(agency)
        result = import_letter(text, directory)
        return await self.create_draft(directory.code, result.content, tuple(result.warnings))

    async def create_draft(
        self,
        agency: str,
        content: DirectiveContent,
        warnings: tuple[ImportWarning, ...] = (),
    ) -> Directive:
        self.directories.get(agency)
        directive = Directive(
            id=uuid.uuid4(),
            agency=agency,
            content=content,
            warnings=warnings,
            created_at=self.clock.now(),
        )
        async with self.db.transaction() as session:
            await repo.add(session, directive)
        return directive

    async def edit_draft(self, directive_id: uuid.UUID, content: DirectiveContent) -> Directive:
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, lock=True)
            directive = directive.edit(content)
            await repo.save(session, directive)
        return directive

    async def issue(self, directive_id: uuid.UUID) -> IssueResult:
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, lock=True)
            if directive.status is not Status.DRAFT:
                raise InvalidTransition(f"directive is already {directive.status}")
            # Checked here too, not only on the API's drafts: an imported draft may
            # carry what the letter left out.
            check_deadlines(directive.content)
            directory = self.directories.get(directive.agency)
            today = self.clock.today()
            serial = await repo.take_next_serial(session, directive.agency, today.year)
            content = directive.content
            symbol = content.symbol or numbering.make_symbol(content.doc_type, directory.short_name)
            duplicate_of = await repo.same_subject_issued(
                session, directive.agency, today.year, content.subject
            )
            directive = directive.issue(
                serial=serial,
                number=numbering.format_number(serial),
                symbol=symbol,
                date=today,
                at=self.clock.now(),
            )
            if duplicate_of:
                directive = _with_warning(
                    directive,
                    ImportWarning(
                        code="duplicate_subject",
                        field="subject",
                        message=f"Đã có văn bản cùng trích yếu ban hành năm {today.year}.",
                    ),
                )
            await repo.save(session, directive)
            assert directive.issued_at is not None and directive.reference is not None
            await self.outbox.add(
                session,
                DirectiveIssued(
                    agency=directive.agency,
                    directive_id=directive.id,
                    reference=directive.reference,
                    content=directive.content,
                    issued_at=directive.issued_at,
                    duplicate_of=duplicate_of,
                ),
            )
        return IssueResult(directive, duplicate_of)

    async def revoke(self, directive_id: uuid.UUID, reason: str) -> Directive:
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, lock=True)
            directive = directive.revoke(reason=reason, at=self.clock.now())
            await repo.save(session, directive)
            assert directive.reference is not None and directive.revoked_at is not None
            await self.outbox.add(
                session,
                DirectiveRevoked(
                    agency=directive.agency,
                    directive_id=directive.id,
                    reference=directive.reference,
                    reason=reason,
                    revoked_at=directive.revoked_at,
                ),
            )
        return directive

    async def publish_directories(self) -> None:
        """Publish each directory on chidao.org.v1 when it changed since last time."""
        for directory in self.directories.by_code.values():
            event = OrgDirectoryPublished(
                agency=directory.code,
                agency_name=directory.name,
                short_name=directory.short_name,
                province=directory.province,
                units=tuple(directory.units),
            )
            digest = hashlib.sha256(event.model_dump_json().encode()).hexdigest()
            async with self.db.transaction() as session:
                if await repo.directory_digest(session, directory.code) == digest:
                    continue
                await repo.record_directory(session, directory.code, digest)
                await self.outbox.add(session, event)
                log.info("published the unit directory of %s", directory.code)

    async def _get(
        self, session: AsyncSession, directive_id: uuid.UUID, *, lock: bool
    ) -> Directive:
        directive = await repo.get(session, directive_id, lock=lock)
        if directive is None:
            raise NotFound(f"directive {directive_id} not found")
        return directive


def _with_warning(directive: Directive, warning: ImportWarning) -> Directive:
    return replace(directive, warnings=(*directive.warnings, warning))
