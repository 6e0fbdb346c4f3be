"""Events on chidao.inspections.v1: inspections of public-service culture."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import Field

from shared.contracts.events.base import TOPIC_INSPECTIONS, Event
from shared.contracts.values import UnitRef, Value


class InspectionArea(StrEnum):
    """The four content areas of Decision 1847/QĐ-TTg."""

    ATTITUDE = "attitude"  # tinh thần, thái độ làm việc
    CONDUCT = "conduct"  # chuẩn mực giao tiếp, ứng xử (incl. "4 xin, 4 luôn")
    ETHICS = "ethics"  # đạo đức, lối sống
    DRESS = "dress"  # trang phục


class Severity(StrEnum):
    MINOR = "minor"  # nhẹ
    MODERATE = "moderate"  # trung bình
    SERIOUS = "serious"  # nghiêm trọng


class AreaSummary(Value):
    area: InspectionArea
    compliant: int = Field(ge=0, description="Criteria found compliant.")
    findings: int = Field(ge=0, description="Criteria with a finding.")


class UnitSummary(Value):
    unit: UnitRef
    areas: tuple[AreaSummary, ...]


class InspectionCompleted(Event):
    """An inspection of public-service culture finished: its summary per unit and area."""

    ce_type = "chidao.inspection.completed.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "inspection_id"

    inspection_id: uuid.UUID
    title: str
    decision: str = Field(description="The deciding document, e.g. '45/QĐ-SXD ngày 01/10/2020'.")
    period_start: dt.date
    period_end: dt.date
    completed_at: dt.datetime
    units: tuple[UnitSummary, ...]
    violation_ids: tuple[uuid.UUID, ...] = ()


class ViolationRecorded(Event):
    """One finding of an inspection; the tasks service makes it a remediation task."""

    ce_type = "chidao.violation.recorded.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "violation_id"

    violation_id: uuid.UUID
    inspection_id: uuid.UUID
    unit: UnitRef
    criterion: str = Field(description="Criterion code from the criteria list, e.g. 'CONDUCT-4X'.")
    criterion_title: str
    area: InspectionArea
    severity: Severity
    description: str
    evidence: str = ""
    person: str | None = Field(
        default=None,
        description="Always empty: the name of a person found in violation is personal "
        "data and stays in the inspections service (kept in v1 for compatibility).",
    )
    remediation_due: dt.date
    recorded_at: dt.datetime


class ViolationResolved(Event):
    """The inspection team verified that a violation was remedied."""

    ce_type = "chidao.violation.resolved.v1"
    topic = TOPIC_INSPECTIONS
    key_field = "violation_id"

    violation_id: uuid.UUID
    inspection_id: uuid.UUID
    unit: UnitRef
    area: InspectionArea
    severity: Severity
    resolved_at: dt.datetime
    on_time: bool = Field(description="Verified on or before the remediation deadline.")
    note: str = ""
