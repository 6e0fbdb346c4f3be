"""The values a report selects facts by, read from the event when it is stored.

A report needs a small part of the read model: the agency's scheme directives (any
year, `scheme.scheme_directives`), the tasks assigned in its period and their events
(`task_status.task_states`), the inspections completed in its period with their
findings and remedies (`inspection_figures.inspection_facts`), the latest directory,
and the upper bodies' directives its scheme directives implement (their own
`directive.issued`, found by `directive_id` = the child's `parent_directive_id`).
These keys let the repository fetch exactly that with indexed lookups; they are a
function of the event alone, so a rebuild computes the same ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from services.reporting.domain.obligations import obligations_of
from services.reporting.domain.periods import aware
from services.reporting.domain.scheme import is_scheme
from shared.contracts.events import (
    DirectiveIssued,
    Event,
    ReportDue,
    ReportSubmitted,
)

# The event's own instant, where it has one (the period rules are written on these).
_INSTANT_FIELDS = (
    "at",
    "issued_at",
    "revoked_at",
    "completed_at",
    "recorded_at",
    "resolved_at",
    "submitted_at",
)


@dataclass(frozen=True)
class FactKeys:
    subject_id: uuid.UUID | None
    directive_id: uuid.UUID | None
    violation_id: uuid.UUID | None
    inspection_id: uuid.UUID | None
    at: dt.datetime
    year: int | None
    scheme: bool
    obligations: bool


def _uuid(value: object) -> uuid.UUID | None:
    return value if isinstance(value, uuid.UUID) else None


def instant(event: Event, published: dt.datetime) -> dt.datetime:
    """When it happened by its own field, else when it was published."""
    for name in _INSTANT_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, dt.datetime):
            return aware(value)
    return aware(published)


def fact_keys(event: Event, published: dt.datetime) -> FactKeys:
    issued = event if isinstance(event, DirectiveIssued) else None
    return FactKeys(
        subject_id=_uuid(getattr(event, event.key_field, None)),
        directive_id=_uuid(getattr(event, "directive_id", None)),
        violation_id=_uuid(getattr(event, "violation_id", None)),
        inspection_id=_uuid(getattr(event, "inspection_id", None)),
        at=instant(event, published),
        year=event.year if isinstance(event, ReportDue | ReportSubmitted) else None,
        scheme=issued is not None and is_scheme(issued.content),
        obligations=issued is not None and bool(obligations_of(issued)),
    )
