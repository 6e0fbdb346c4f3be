"""The public events: one model per type, versioned in the type name.

Each event class declares its CloudEvents type (`ce_type`), its topic and which field
is the aggregate id (the Kafka key, so events of one aggregate stay in order).
`contracts/<ce_type>.schema.json` is generated from these models (`chidao contracts`)
and a test fails when the committed files differ. Evolution rule: add optional fields
only; anything else is a new `.v2` type.
"""

from __future__ import annotations

from typing import Literal

from shared.contracts.events.base import (
    PUBLIC_TOPICS,
    PUBLISHERS,
    TOPIC_DIRECTIVES,
    TOPIC_INSPECTIONS,
    TOPIC_ORG,
    TOPIC_REPORTS,
    TOPIC_TASKS,
    Event,
    dlq_topic,
)
from shared.contracts.events.directives import DirectiveIssued, DirectiveRevoked
from shared.contracts.events.inspections import (
    AreaSummary,
    InspectionArea,
    InspectionCompleted,
    Severity,
    UnitSummary,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.events.org import (
    OrgDirectoryPublished,
    OrgUnitsSucceeded,
    Succession,
    SuccessionKind,
)
from shared.contracts.events.reports import ReportDue, ReportSubmitted
from shared.contracts.events.tasks import (
    TaskAcknowledged,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskEvent,
    TaskExtensionGranted,
    TaskExtensionRequested,
    TaskOverdue,
    TaskProgressReported,
    TaskTransferred,
)

TaskStatus = Literal["assigned", "acknowledged", "in_progress", "completed", "cancelled"]

ALL_EVENTS: tuple[type[Event], ...] = (
    OrgDirectoryPublished,
    DirectiveIssued,
    DirectiveRevoked,
    TaskAssigned,
    TaskAcknowledged,
    TaskProgressReported,
    TaskCompleted,
    TaskExtensionRequested,
    TaskExtensionGranted,
    TaskCancelled,
    TaskOverdue,
    TaskTransferred,
    OrgUnitsSucceeded,
    InspectionCompleted,
    ViolationRecorded,
    ViolationResolved,
    ReportDue,
    ReportSubmitted,
)

EVENTS_BY_TYPE: dict[str, type[Event]] = {e.ce_type: e for e in ALL_EVENTS}


__all__ = [
    "ALL_EVENTS",
    "EVENTS_BY_TYPE",
    "PUBLIC_TOPICS",
    "PUBLISHERS",
    "TOPIC_DIRECTIVES",
    "TOPIC_INSPECTIONS",
    "TOPIC_ORG",
    "TOPIC_REPORTS",
    "TOPIC_TASKS",
    "AreaSummary",
    "DirectiveIssued",
    "DirectiveRevoked",
    "Event",
    "InspectionArea",
    "InspectionCompleted",
    "OrgDirectoryPublished",
    "OrgUnitsSucceeded",
    "ReportDue",
    "ReportSubmitted",
    "Severity",
    "Succession",
    "SuccessionKind",
    "TaskAcknowledged",
    "TaskAssigned",
    "TaskCancelled",
    "TaskCompleted",
    "TaskEvent",
    "TaskExtensionGranted",
    "TaskExtensionRequested",
    "TaskOverdue",
    "TaskProgressReported",
    "TaskStatus",
    "TaskTransferred",
    "UnitSummary",
    "ViolationRecorded",
    "ViolationResolved",
    "dlq_topic",
]
