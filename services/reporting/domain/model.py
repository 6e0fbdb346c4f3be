"""The annual report as data: `AnnualReport.model_dump(mode="json")` is the form the API
serves, the DOCX is printed from and the province receives.

Traceability: every figure is a `Figure` (or a `Share`, a figure with its percentage),
carrying the ids of the events behind it, sorted, so anyone can ask "which tasks are
these 3 overdue ones?" and get an answer from the event log. Field order is the key
order of the JSON form; keep it stable, readers diff reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Figure(_Model, Generic[T]):
    value: T
    event_ids: list[str]


class Share(_Model):
    """A count and its share (percent, 1 decimal) of the total it belongs to."""

    value: int
    percent: float
    event_ids: list[str]


def figure(value: T, event_ids: Iterable[str]) -> Figure[T]:
    return Figure[T](value=value, event_ids=sorted(set(event_ids)))


class UnitLabel(_Model):
    code: str | None
    name: str


class PeriodOut(_Model):
    start: dt.date
    end: dt.date
    label: str


class DirectiveItem(_Model):
    directive_id: str
    reference: str
    date: dt.date
    subject: str
    event_id: str


class UpperDirectiveItem(_Model):
    """An upper body's directive the agency's scheme directives implement (their
    `parent_directive_id`), e.g. Kế hoạch 84/KH-UBND of UBND tỉnh."""

    directive_id: str
    reference: str
    issuer: str
    date: dt.date | None
    subject: str
    event_id: str


class Directives(_Model):
    count: Figure[int]
    items: list[DirectiveItem]


class Dissemination(_Model):
    units_total: Figure[int]
    units_confirmed: Figure[int]
    units_not_confirmed: Figure[list[UnitLabel]]
    staff_total: Figure[int]
    staff_reached: Figure[int]
    staff_reached_percent: float


class TaskCounts(_Model):
    total: Figure[int]
    done_on_time: Share
    done_late: Share
    open_in_deadline: Share
    open_overdue: Share


class _UnitFirst(_Model):
    unit: UnitLabel


class UnitTasks(TaskCounts, _UnitFirst):
    pass


class TaskFigures(TaskCounts):
    cancelled: Figure[int]
    per_unit: list[UnitTasks]


class Inspections(_Model):
    inspections: Figure[int]
    units_inspected: Figure[int]
    findings: Figure[int]
    findings_by_area: dict[str, Figure[int]]
    findings_by_severity: dict[str, Figure[int]]
    resolved: Figure[int]
    resolved_on_time: Figure[int]
    unresolved: Figure[int]


class UnitRow(_Model):
    code: str
    name: str
    kind: str
    tasks: TaskCounts
    dissemination_confirmed: Figure[bool | None]  # None: the unit had nothing to disseminate
    staff_reached: Figure[int | None]
    inspected: Figure[bool]
    findings: Figure[int]
    findings_resolved: Figure[int]


class NarrativeSection(_Model):
    title: str
    text: str
    source: Literal["drafted", "office"]


class SignerOut(_Model):
    authority: str | None
    title: str
    name: str


class AnnualReport(_Model):
    agency: str
    year: int
    title: str
    agency_name: str
    short_name: str
    province: str
    period: PeriodOut
    cutoff: dt.datetime
    generated_at: dt.datetime
    directives: Directives
    # The upper directives implemented (docs/lineage.md); [] in reports made before.
    implements: list[UpperDirectiveItem] = []
    dissemination: Dissemination
    tasks: TaskFigures
    inspections: Inspections
    units: list[UnitRow]
    narrative: dict[str, NarrativeSection]
    signer: SignerOut | None
    recipients: list[str]
    offsets: dict[str, dict[str, int]]
    event_count: int
