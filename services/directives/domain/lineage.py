"""Directives that cascade: the pure rules (docs/lineage.md).

A province's People's Committee issues a plan that gives duties to its departments;
each department implements it with a directive of its own that cites the plan in its
references ("Thực hiện Kế hoạch số 84/KH-UBND ngày 06/4/2020 của UBND tỉnh"). Here:

- who is whose upper body (a unit of a province directory that *is* an agency);
- which agencies a directive addresses (the agencies of its lead and coordinating units);
- which issued directive a reference designates (never a guess: one match or none);
- the lineage tree of a directive with each department's progress counts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.directives.domain.directory import UnitDirectory
from shared.contracts.values import DirectiveContent, DocumentRef, ImportWarning

# --- who is whose upper body -----------------------------------------------------------


def unit_agencies(directory: UnitDirectory) -> dict[str, str]:
    """Unit code → the agency that unit is (only units that are agencies)."""
    return {u.code: u.agency for u in directory.units if u.agency}


def upper_bodies(directories: Iterable[UnitDirectory]) -> dict[str, tuple[str, ...]]:
    """Agency → the agencies above it: those whose directory lists it as a unit, in the
    same province (a unit naming an agency of another province is a mistake, ignored)."""
    by_code = {d.code: d for d in directories}
    uppers: dict[str, set[str]] = {}
    for d in by_code.values():
        for agency in unit_agencies(d).values():
            lower = by_code.get(agency)
            if lower is not None and lower.province == d.province and agency != d.code:
                uppers.setdefault(agency, set()).add(d.code)
    return {agency: tuple(sorted(codes)) for agency, codes in uppers.items()}


def addressed_agencies(content: DirectiveContent, directory: UnitDirectory) -> tuple[str, ...]:
    """The agencies a directive gives duties to: its lead and coordinating units that are
    agencies of their own, in the order the directive first names them."""
    agencies = unit_agencies(directory)
    found: list[str] = []
    for a in content.assignments:
        for ref in (a.lead_unit, *a.coordinating_units):
            agency = agencies.get(ref.code or "")
            if agency and agency not in found:
                found.append(agency)
    return tuple(found)


def duties_of(content: DirectiveContent, directory: UnitDirectory, agency: str) -> list[Duty]:
    """The duties of a directive addressed to `agency`, with its role in each."""
    codes = {code for code, a in unit_agencies(directory).items() if a == agency}
    duties = []
    for index, a in enumerate(content.assignments):
        if a.lead_unit.code in codes:
            role = "lead"
        elif any(u.code in codes for u in a.coordinating_units):
            role = "coordinate"
        else:
            continue
        duties.append(Duty(index=index, action=a.action, role=role, deadline=a.deadline.text))
    return duties


# --- which issued directive a reference designates -------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An issued directive of an upper body with the number a reference names."""

    id: uuid.UUID
    agency: str
    serial: int
    symbol: str
    year: int


@dataclass(frozen=True)
class ParentMatch:
    parent_id: uuid.UUID | None
    ambiguous: tuple[uuid.UUID, ...] = ()  # more than one matched: nothing is linked


def ref_serial(ref: DocumentRef) -> int | None:
    """The number of a reference as the serial it was issued with ("05" and "5" alike);
    None when the reference has no number and symbol to match on."""
    if not ref.number or not ref.symbol:
        return None
    digits = ref.number.strip()
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def _symbol_key(symbol: str) -> str:
    # Letters type the symbol with spaces around the dash or in lower case now and then.
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", symbol)).upper()


def matches(ref: DocumentRef, candidate: Candidate) -> bool:
    serial = ref_serial(ref)
    return (
        serial is not None
        and serial == candidate.serial
        and _symbol_key(ref.symbol or "") == _symbol_key(candidate.symbol)
        and (ref.date is None or ref.date.year == candidate.year)
    )


def match_parent(refs: Sequence[DocumentRef], candidates: Sequence[Candidate]) -> ParentMatch:
    """The one upper directive the references cite. Several distinct matches (two refs
    citing two upper directives, or a reference without a date matching two years) link
    nothing: the clerk is told, the platform does not guess."""
    found = sorted({c.id for r in refs for c in candidates if matches(r, c)})
    if len(found) == 1:
        return ParentMatch(found[0])
    return ParentMatch(None, tuple(found))


AMBIGUOUS_PARENT = "ambiguous_parent"


def ambiguous_warning(match: ParentMatch) -> ImportWarning | None:
    """What the clerk is told when the references cite more than one upper directive."""
    if not match.ambiguous:
        return None
    return ImportWarning(
        code=AMBIGUOUS_PARENT,
        field="references",
        message=f"Căn cứ trích dẫn khớp với {len(match.ambiguous)} văn bản của cấp trên "
        "trên hệ thống: văn bản không được gắn với văn bản cấp trên nào.",
    )


# --- the lineage tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    index: int
    action: str
    role: str  # lead (chủ trì) or coordinate (phối hợp)
    deadline: str = ""


@dataclass(frozen=True)
class TaskRow:
    """What the directives service knows of a task, from chidao.tasks.v1."""

    directive_id: uuid.UUID
    assignment_index: int
    lead_code: str | None
    completed: bool
    on_time: bool
    overdue: bool
    cancelled: bool = False
    n: int = 1  # how many tasks alike (the repository counts them in SQL)


@dataclass
class Counts:
    assigned: int = 0
    completed: int = 0
    completed_on_time: int = 0
    overdue: int = 0

    def add(self, task: TaskRow) -> None:
        if task.cancelled:
            return  # a cancelled task (revoked directive) is no longer owed
        self.assigned += task.n
        if task.completed:
            self.completed += task.n
            self.completed_on_time += task.n if task.on_time else 0
        elif task.overdue:
            self.overdue += task.n

    def merge(self, other: Counts) -> None:
        self.assigned += other.assigned
        self.completed += other.completed
        self.completed_on_time += other.completed_on_time
        self.overdue += other.overdue


def counts(tasks: Iterable[TaskRow]) -> Counts:
    total = Counts()
    for t in tasks:
        total.add(t)
    return total


@dataclass(frozen=True)
class Summary:
    """A directive as a node of the tree shows it."""

    id: uuid.UUID
    agency: str
    reference: str | None
    subject: str
    date: dt.date | None
    status: str


@dataclass
class DutyProgress:
    duty: Duty
    counts: Counts  # the upper body's own tasks for this duty (its lead unit's)


@dataclass
class Branch:
    """One addressed department: its duties, its implementing directives, its progress."""

    agency: str
    name: str
    duties: list[DutyProgress]
    children: list[Node]
    counts: Counts  # every task of its implementing directives


@dataclass
class Node:
    directive: Summary
    counts: Counts  # every task of this directive
    branches: list[Branch] = field(default_factory=list)


def build_node(
    directive: Summary,
    tasks: Sequence[TaskRow],
    *,
    duties: Mapping[str, Sequence[Duty]],
    names: Mapping[str, str],
    children: Mapping[str, Sequence[Node]],
) -> Node:
    """A directive's node: its own task counts, and per addressed agency (in the order
    of `duties`) the counts per duty, its implementing directives and their total."""
    own = [t for t in tasks if t.directive_id == directive.id]
    branches = []
    for agency, agency_duties in duties.items():
        kids = list(children.get(agency, ()))
        total = Counts()
        for kid in kids:
            total.merge(kid.counts)
        # The upper body's own task of a duty (its lead unit is the department or the
        # department coordinates on it): how far that duty is done, occurrences included.
        per_duty = [
            DutyProgress(d, counts(t for t in own if t.assignment_index == d.index))
            for d in agency_duties
        ]
        branches.append(Branch(agency, names.get(agency, agency), per_duty, kids, total))
    return Node(directive, counts(own), branches)
