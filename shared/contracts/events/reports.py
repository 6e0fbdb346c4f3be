"""Events on chidao.reports.v1: reminders and submissions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import Field

from shared.contracts.events.base import TOPIC_REPORTS, Event
from shared.contracts.values import UnitRef


class ReportDue(Event):
    """A report obligation needs attention: a reminder before its deadline, or (once)
    the deadline passed with nothing submitted. Other agencies rely on it to chase
    late reports."""

    ce_type = "chidao.report.due.v1"
    topic = TOPIC_REPORTS
    key_field = "obligation_id"

    obligation_id: uuid.UUID
    directive_id: uuid.UUID
    directive_reference: str
    responsible_unit: UnitRef
    title: str = Field(description="What is to be reported, as the directive words it.")
    year: int = Field(description="Reporting year (Decree 09: 15/12 of year-1 to 14/12).")
    due_date: dt.date
    kind: Literal["reminder", "overdue"]
    days_before: int | None = Field(
        default=None, description="For a reminder: how many days before the deadline."
    )
    at: dt.datetime


class ReportSubmitted(Event):
    """The annual submission of an agency, with its full JSON form."""

    ce_type = "chidao.report.submitted.v1"
    topic = TOPIC_REPORTS
    key_field = "report_id"

    report_id: str = Field(description="'<agency>/<year>'.")
    year: int
    province: str
    submitted_at: dt.datetime
    on_time: bool
    report: dict[str, Any] = Field(description="The JSON form of the report, as served.")
