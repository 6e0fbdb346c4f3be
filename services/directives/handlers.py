"""Handlers of the directives service: commands in (from HTTP), state plus outbox
events out, one transaction each. The directive aggregate decides both the new state
and the events (`Changed`); a handler loads, applies, saves and stages them."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.directives.adapters import repository as repo
from services.directives.domain import lineage as cascade
from services.directives.domain import numbering
from services.directives.domain.directory import UnitDirectory
from services.directives.domain.history import DirectoryHistory, Version
from services.directives.domain.importer import ImportResult, read_letter
from services.directives.domain.model import Directive, Status
from shared.auth import AGENCY_MEMBERS, Principal, Role
from shared.clock import Clock
from shared.contracts.events import (
    Event,
    OrgDirectoryPublished,
    OrgUnitsSucceeded,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskExtensionGranted,
    TaskOverdue,
)
from shared.contracts.values import DeadlineKind, DirectiveContent, ImportWarning, UnitRef
from shared.db import Database
from shared.domain import Changed
from shared.errors import Forbidden, InvalidField, InvalidTransition, NotFound
from shared.messaging.handlers import EventHandlers
from shared.messaging.outbox import Outbox
from shared.pagination import FIRST_PAGE, Page, PageRequest

log = logging.getLogger(__name__)


class Directories:
    """The unit directories this deployment serves, one YAML file per agency and
    version (docs/directory-history.md); `by_code` holds each agency's newest."""

    def __init__(
        self,
        directories: Sequence[UnitDirectory],
        default: str,
        history: DirectoryHistory | None = None,
    ) -> None:
        self.history = history or DirectoryHistory.of(Version(d, d.code) for d in directories)
        self.by_code = {d.code: d for d in self.history.newest()}
        self.default = default
        if default not in self.by_code:
            raise ValueError(f"default agency {default!r} has no directory file")

    @classmethod
    def load(cls, folder: Path, default: str) -> Directories:
        history = DirectoryHistory.load(folder)
        return cls(history.newest(), default, history)

    def on(self, day: dt.date, agency: str | None) -> tuple[list[UnitDirectory], UnitDirectory]:
        """The directories in force on `day`, the reader's own first, and the reader's
        own (its newest when it did not exist yet, or no longer)."""
        own = self.history.on(self.get(agency).code, day) or self.get(agency)
        others = [d for d in self.history.all_on(day) if d.code != own.code]
        return [own, *others], own

    def get(self, agency: str | None) -> UnitDirectory:
        code = agency or self.default
        try:
            return self.by_code[code]
        except KeyError:
            known = ", ".join(sorted(self.by_code))
            raise InvalidField(f"unknown agency {code!r} (known: {known})", "agency") from None

    def read_letter(self, text: str, agency: str | None) -> tuple[UnitDirectory, ImportResult]:
        """The importer as `chidao import` and the API run it (and the corpus scorer).

        The reader's own directory is offered first: where two directories fit the
        issuer equally (a department and its copy on another platform tenant), the
        letter is read as the reader's own."""
        own = self.get(agency)
        others = [d for code, d in self.by_code.items() if code != own.code]
        return read_letter(text, [own, *others], own, lambda day: self.on(day, agency))


def _foreign_units(
    content: DirectiveContent, warnings: tuple[ImportWarning, ...], read_with: UnitDirectory
) -> tuple[DirectiveContent, tuple[ImportWarning, ...]]:
    """A letter of another body (the province, another department) names that body's
    units: their codes mean nothing in the clerk's agency, so only the names are kept."""

    def named(ref: UnitRef) -> UnitRef:
        return UnitRef(name=ref.name)

    assignments = tuple(
        a.model_copy(
            update={
                "lead_unit": named(a.lead_unit),
                "coordinating_units": tuple(map(named, a.coordinating_units)),
            }
        )
        for a in content.assignments
    )
    note = ImportWarning(
        code="issuer_units",
        field="assignments",
        message=f"Văn bản của {content.issuer or read_with.name}: các đơn vị được đọc theo "
        "danh mục của cơ quan ban hành; cần chọn đơn vị của Sở khi giao việc.",
    )
    return content.model_copy(update={"assignments": assignments}), (*warnings, note)


def check_deadlines(content: DirectiveContent) -> None:
    """Refuse a deadline the services downstream cannot schedule (naming it).

    A yearly duty falls due on a day and month of each year; without both, the tasks
    service cannot date its occurrences nor the reporting service its reminders, and
    each would fail on the issued event instead of the clerk hearing about it here.
    The field is relative to the content (`InvalidField.within` places it)."""
    for i, a in enumerate(content.assignments):
        d = a.deadline
        if d.kind is DeadlineKind.YEARLY and (d.day is None or d.month is None):
            missing = "day" if d.day is None else "month"
            raise InvalidField(
                "a yearly deadline needs a day and a month",
                f"assignments.{i}.deadline.{missing}",
            )


def _own_agency(user: Principal, asked: str | None) -> str:
    """The caller's department: a request may name it, never another."""
    agency = user.agency_or_refuse()
    if asked and asked != agency:
        raise Forbidden(
            f"Không được thao tác trên văn bản của Sở khác ({asked}).", code="other_agency"
        )
    return agency


def _checked_content(content: DirectiveContent, at: str | None) -> DirectiveContent:
    try:
        check_deadlines(content)
    except InvalidField as exc:
        raise exc.within(at) if at else exc from None
    return content


# How deep and how wide the lineage view goes: a province plan, the departments'
# letters, what their units issue under them; a few dozen children each at most.
LINEAGE_DEPTH = 3
LINEAGE_CHILDREN = 200


class DirectiveService:
    def __init__(self, db: Database, outbox: Outbox, clock: Clock, directories: Directories):
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.directories = directories
        # Whose directives an agency may implement: the bodies whose directory lists it.
        # Who is above whom, in any version of the directories: a 2020 letter of a
        # department merged away in 2025 still links to the province plan it cites.
        self.uppers = _union(
            cascade.upper_bodies(directories.history.all_on(day))
            for day in directories.history.version_days()
        )

    # --- events: the progress of tasks, for the lineage view ---------------------------

    def event_handlers(self) -> EventHandlers:
        return (
            EventHandlers()
            .on(TaskAssigned, self.on_task_assigned)
            .on(TaskCompleted, self.on_task_completed)
            .on(TaskOverdue, self.on_task_overdue)
            .on(TaskExtensionGranted, self.on_task_extended)
            .on(TaskCancelled, self.on_task_cancelled)
        )

    async def on_task_assigned(self, session: AsyncSession, event: TaskAssigned) -> None:
        if event.directive_id is None:
            return  # a remediation task belongs to no directive
        await repo.task_assigned(
            session,
            task_id=event.task_id,
            directive_id=event.directive_id,
            agency=event.agency,
            assignment_index=event.assignment_index,
            lead_code=event.lead_unit.code,
        )

    async def on_task_completed(self, session: AsyncSession, event: TaskCompleted) -> None:
        await repo.task_changed(session, event.task_id, status="completed", on_time=event.on_time)

    async def on_task_overdue(self, session: AsyncSession, event: TaskOverdue) -> None:
        await repo.task_changed(session, event.task_id, overdue=True)

    async def on_task_extended(self, session: AsyncSession, event: TaskExtensionGranted) -> None:
        # A new due date: no longer overdue (the tasks service flags it again if it passes).
        await repo.task_changed(session, event.task_id, overdue=False)

    async def on_task_cancelled(self, session: AsyncSession, event: TaskCancelled) -> None:
        await repo.task_changed(session, event.task_id, status="cancelled")

    # --- queries ---------------------------------------------------------------------

    async def get(self, directive_id: uuid.UUID, user: Principal) -> Directive:
        async with self.db.sessions() as session:
            return await self._readable(session, directive_id, user)

    async def incoming(self, user: Principal, *, page: PageRequest = FIRST_PAGE) -> Page[Directive]:
        """The upper bodies' directives that give the caller's department duties."""
        user.require(*AGENCY_MEMBERS, doing="xem văn bản đến của Sở")
        async with self.db.sessions() as session:
            return await repo.list_(
                session,
                agency=None,
                status=None,
                year=None,
                page=page,
                addressed_to=user.agency_or_refuse(),
            )

    def duties_for(self, directive: Directive, agency: str) -> list[cascade.Duty]:
        """The duties `directive` gives `agency` (none if it is not its upper body)."""
        if agency not in directive.addressed_agencies:
            return []
        return cascade.duties_of(directive.content, self._directory_of(directive), agency)

    def _directory_of(self, directive: Directive) -> UnitDirectory:
        """The issuer's directory as it was when the directive was dated: the units its
        duties named then (a 2020 plan names departments merged away in 2025)."""
        day = directive.content.date or self.clock.today()
        return self.directories.history.on(directive.agency, day) or self.directories.get(
            directive.agency
        )

    async def lineage(self, directive_id: uuid.UUID, user: Principal) -> cascade.Node:
        """The tree down from a directive: per department it gives duties to, the
        progress of each duty and the department's implementing directives (and theirs,
        `LINEAGE_DEPTH` levels). A department reading an upper directive sees its own
        branch only."""
        async with self.db.sessions() as session:
            root = await self._readable(session, directive_id, user)
            only = None
            if not user.in_agency(root.agency) and not user.has(Role.PROVINCE_READER):
                only = user.agency  # an addressed department: its own branch
            levels = [[root]]
            while len(levels) < LINEAGE_DEPTH:
                parents = [d.id for d in levels[-1]]
                kids = await repo.children(session, parents, LINEAGE_CHILDREN)
                if only is not None and len(levels) == 1:
                    kids = [k for k in kids if k.agency == only]
                if not kids:
                    break
                levels.append(kids)
            everything = [d for level in levels for d in level]
            tasks = await repo.progress(session, [d.id for d in everything])
        if only is not None:
            # The department counts the upper directive's tasks of its own duties only.
            own = {duty.index for duty in self.duties_for(root, only)}
            tasks = [t for t in tasks if t.directive_id != root.id or t.assignment_index in own]
        return self._node(root, everything, tasks, only)

    def _node(
        self,
        d: Directive,
        everything: list[Directive],
        tasks: list[cascade.TaskRow],
        only: str | None = None,
    ) -> cascade.Node:
        addressed = [a for a in d.addressed_agencies if only is None or a == only]
        kids: dict[str, list[cascade.Node]] = {}
        for kid in everything:
            if kid.parent_directive_id == d.id and kid.agency in addressed:
                kids.setdefault(kid.agency, []).append(self._node(kid, everything, tasks))
        names = {
            a: self.directories.by_code[a].name if a in self.directories.by_code else a
            for a in addressed
        }
        return cascade.build_node(
            _summary(d),
            tasks,
            duties={a: self.duties_for(d, a) for a in addressed},
            names=names,
            children=kids,
        )

    async def find(
        self,
        user: Principal,
        *,
        agency: str | None = None,
        status: Status | None = None,
        year: int | None = None,
        page: PageRequest = FIRST_PAGE,
    ) -> Page[Directive]:
        """The caller's own department's directives (the `agency` filter may only name it).

        For the province reader: the directives of its province's agencies that give
        departments duties (the roots of the cascade, docs/lineage.md)."""
        if user.has(Role.PROVINCE_READER) and not user.has(*AGENCY_MEMBERS):
            return await self._province_directives(user, agency, status, year, page)
        user.require(*AGENCY_MEMBERS, doing="xem văn bản của Sở")
        async with self.db.sessions() as session:
            return await repo.list_(
                session,
                agency=_own_agency(user, agency),
                status=status.value if status else None,
                year=year,
                page=page,
            )

    async def _province_directives(
        self,
        user: Principal,
        agency: str | None,
        status: Status | None,
        year: int | None,
        page: PageRequest,
    ) -> Page[Directive]:
        province = [
            code for code, d in self.directories.by_code.items() if d.province == user.province
        ]
        if agency and agency not in province:
            raise Forbidden(
                f"Không được xem văn bản của cơ quan ngoài tỉnh ({agency}).",
                code="other_province",
            )
        async with self.db.sessions() as session:
            return await repo.list_(
                session,
                agency=agency,
                status=status.value if status else None,
                year=year,
                page=page,
                cascading_in=tuple(province),
            )

    def directory(self, agency: str, user: Principal, on: dt.date | None = None) -> UnitDirectory:
        """The agency's directory: the newest version, or the one in force on `on`."""
        # The directory is the resource named: unknown (or another's) is 404.
        if agency not in self.directories.by_code or not user.in_agency(agency):
            raise NotFound(f"no unit directory for agency {agency!r}")
        if on is None:
            return self.directories.get(agency)
        found = self.directories.history.on(agency, on)
        if found is None:  # merged away by then
            raise NotFound(f"no unit directory for agency {agency!r} on {on:%d/%m/%Y}")
        return found

    # --- commands --------------------------------------------------------------------

    async def import_letter(self, text: str, agency: str | None, user: Principal) -> Directive:
        user.require(Role.CLERK, doing="nhập văn bản")
        # The draft is the clerk's agency's; the letter is read with its issuer's directory.
        own = self.directories.get(_own_agency(user, agency))
        read_with, result = self.directories.read_letter(text, own.code)
        content, warnings = result.content, tuple(result.warnings)
        if read_with.code != own.code:
            content, warnings = _foreign_units(content, warnings, read_with)
        # Told at once when the references cite more than one upper directive; the
        # link itself is made on issuing (the upper directive may be issued meanwhile).
        async with self.db.sessions() as session:
            ambiguous = cascade.ambiguous_warning(await self._parent(session, own.code, content))
        if ambiguous is not None:
            warnings = (*warnings, ambiguous)
        return await self._add_draft(own.code, content, warnings)

    async def create_draft(
        self, agency: str | None, content: DirectiveContent, user: Principal
    ) -> Directive:
        """A draft written by the clerk; deadlines are checked already here, and again
        on issue (an imported draft may carry what the letter left out)."""
        user.require(Role.CLERK, doing="soạn dự thảo văn bản")
        code = self.directories.get(_own_agency(user, agency)).code
        return await self._add_draft(code, _checked_content(content, "content"))

    async def _add_draft(
        self, agency: str, content: DirectiveContent, warnings: tuple[ImportWarning, ...] = ()
    ) -> Directive:
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

    async def edit_draft(
        self, directive_id: uuid.UUID, content: DirectiveContent, user: Principal
    ) -> Directive:
        user.require(Role.CLERK, doing="sửa dự thảo văn bản")
        _checked_content(content, None)  # the content is the whole request here
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, user, lock=True)
            return await self._save(session, directive.edit(content))

    async def issue(self, directive_id: uuid.UUID, user: Principal) -> Directive:
        user.require(Role.LEADER, doing="ban hành văn bản")
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, user, lock=True)
            if directive.status is not Status.DRAFT:
                raise InvalidTransition(f"directive is already {directive.status}")
            _checked_content(directive.content, "content")
            today = self.clock.today()
            directory = self.directories.history.on(
                directive.agency, today
            ) or self.directories.get(directive.agency)
            content = directive.content
            duplicate_of = await repo.same_subject_issued(
                session, directive.agency, today.year, content.subject
            )
            parent = await self._parent(session, directive.agency, directive.content)
            # The year's number is taken last: its row lock serialises the agency's
            # issuing until this transaction ends, so nothing else waits behind it.
            serial = await repo.take_next_serial(session, directive.agency, today.year)
            symbol = content.symbol or numbering.make_symbol(content.doc_type, directory.short_name)
            changed = directive.issue(
                serial=serial,
                number=numbering.format_number(serial),
                symbol=symbol,
                date=today,
                at=self.clock.now(),
                duplicate_of=duplicate_of,
                by=user.actor,
                parent=parent,
                addressed=cascade.addressed_agencies(content, directory),
            )
            return await self._save(session, changed)

    async def _parent(
        self, session: AsyncSession, agency: str, content: DirectiveContent
    ) -> cascade.ParentMatch:
        """The upper body's issued directive the references cite (docs/lineage.md)."""
        uppers = self.uppers.get(agency, ())
        refs = content.references
        keys = {
            (serial, r.date.year if r.date else None)
            for r in refs
            if (serial := cascade.ref_serial(r)) is not None
        }
        candidates = await repo.upper_candidates(session, uppers, keys)
        return cascade.match_parent(refs, candidates)

    async def number_series(
        self, agency: str | None, year: int, user: Principal
    ) -> numbering.NumberSeries:
        """The department's register of outgoing documents for `year`."""
        user.require(Role.CLERK, Role.LEADER, doing="xem sổ văn bản đi")
        code = self.directories.get(_own_agency(user, agency)).code
        async with self.db.transaction() as session:
            return await repo.number_series_of(session, code, year)

    async def continue_number_series(
        self, agency: str | None, year: int, paper_last: int, user: Principal
    ) -> numbering.NumberSeries:
        """The register continues the paper one (`numbering.continue_series`): the
        clerk, on the day the department starts on the platform mid-year."""
        user.require(Role.CLERK, doing="tiếp nối sổ văn bản đi")
        code = self.directories.get(_own_agency(user, agency)).code
        if year != self.clock.today().year:
            raise InvalidField(
                f"only this year's register ({self.clock.today().year}) can be continued",
                "year",
            )
        async with self.db.transaction() as session:
            current = await repo.number_series_of(session, code, year)
            continued = numbering.continue_series(current, paper_last)
            if not await repo.continue_number_series(session, continued):
                # Documents were issued meanwhile, past `paper_last`: refused as above.
                current = await repo.number_series_of(session, code, year)
                continued = numbering.continue_series(current, paper_last)
            return continued

    async def revoke(self, directive_id: uuid.UUID, reason: str, user: Principal) -> Directive:
        user.require(Role.LEADER, doing="thu hồi văn bản")
        async with self.db.transaction() as session:
            directive = await self._get(session, directive_id, user, lock=True)
            changed = directive.revoke(reason=reason, at=self.clock.now(), by=user.actor)
            return await self._save(session, changed)

    async def publish_directories(self) -> None:
        """Publish each agency's directory on chidao.org.v1 when it changed since last
        time: every version, oldest first (a consumer keeping the latest event keeps the
        newest), then what its reorganisations did to units (`org.units_succeeded`).
        One digest per agency covers all of it, so a change republishes the agency whole
        and in order; consumers apply a replay without effect."""
        history = self.directories.history
        succeeded: dict[str, list[OrgUnitsSucceeded]] = {}
        for event in history.successions():
            succeeded.setdefault(event.agency, []).append(event)
        for agency, versions in history.versions.items():
            events: list[Event] = [
                OrgDirectoryPublished(
                    agency=d.code,
                    agency_name=d.name,
                    short_name=d.short_name,
                    province=d.province,
                    units=tuple(d.units),
                    valid_from=d.valid_from,
                )
                for d in (v.directory for v in versions)
            ]
            events += succeeded.get(agency, [])
            dumps = "\n".join(e.model_dump_json() for e in events)
            digest = hashlib.sha256(dumps.encode()).hexdigest()
            async with self.db.transaction() as session:
                if await repo.directory_digest(session, agency) == digest:
                    continue
                await repo.record_directory(session, agency, digest)
                await self.outbox.add(session, *events)
                log.info("published the unit directory of %s (%d versions)", agency, len(versions))

    async def _save(self, session: AsyncSession, changed: Changed[Directive]) -> Directive:
        await repo.save(session, changed.state)
        await self.outbox.add(session, *changed.events)
        return changed.state

    async def _readable(
        self, session: AsyncSession, directive_id: uuid.UUID, user: Principal
    ) -> Directive:
        """A directive the caller may read: its own department's (as `_get`), an issued
        one of an upper body that gives its department duties, or, for the province
        reader, any issued directive of its province. Anything else is 404."""
        directive = await repo.get(session, directive_id)
        if directive is not None and directive.status is not Status.DRAFT:
            if user.agency in directive.addressed_agencies and user.has(*AGENCY_MEMBERS):
                return directive
            if user.has(Role.PROVINCE_READER) and user.province is not None:
                issuer = self.directories.by_code.get(directive.agency)
                if issuer is not None and issuer.province == user.province:
                    return directive
        return await self._get(session, directive_id, user, lock=False)

    async def _get(
        self, session: AsyncSession, directive_id: uuid.UUID, user: Principal, *, lock: bool
    ) -> Directive:
        directive = await repo.get(session, directive_id, lock=lock)
        # Another department's directive does not exist for this caller.
        if directive is None or not user.in_agency(directive.agency):
            raise NotFound(f"directive {directive_id} not found")
        if not user.has(*AGENCY_MEMBERS):
            raise Forbidden("Tài khoản không được xem văn bản của Sở.", code="role_required")
        return directive


def _summary(d: Directive) -> cascade.Summary:
    return cascade.Summary(
        id=d.id,
        agency=d.agency,
        reference=d.reference,
        subject=d.content.subject,
        date=d.content.date,
        status=d.status.value,
    )


def _union(maps: Iterable[dict[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, set[str]] = {}
    for m in maps:
        for agency, uppers in m.items():
            merged.setdefault(agency, set()).update(uppers)
    return {agency: tuple(sorted(codes)) for agency, codes in merged.items()}
