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
import functools
import uuid
from dataclasses import dataclass
from typing import NamedTuple

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


class FactKeys(NamedTuple):
    """A tuple, in the `facts` columns' order, so that a rebuild appends it to the COPY
    record as it is (a frozen dataclass and its `vars` cost a rebuild a tenth of its
    time)."""

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


@dataclass(frozen=True)
class _Fields:
    """Which of the names the keys are read from an event type has (a field or a class
    attribute): `getattr(event, name, None)` on the others is None by definition, so
    `fact_keys` skips them instead of failing a lookup for each of them on every event."""

    subject: str | None
    directive: bool
    violation: bool
    inspection: bool
    instants: tuple[str, ...]


def _has(event_type: type[Event], name: str) -> bool:
    return name in event_type.model_fields or hasattr(event_type, name)


@functools.cache
def _fields(event_type: type[Event]) -> _Fields:
    key_field = getattr(event_type, "key_field", None)
    return _Fields(
        subject=key_field if key_field and _has(event_type, key_field) else None,
        directive=_has(event_type, "directive_id"),
        violation=_has(event_type, "violation_id"),
        inspection=_has(event_type, "inspection_id"),
        instants=tuple(n for n in _INSTANT_FIELDS if _has(event_type, n)),
    )


def instant(event: Event, published: dt.datetime) -> dt.datetime:
    """When it happened by its own field, else when it was published."""
    for name in _fields(type(event)).instants:
        value = getattr(event, name, None)
        if isinstance(value, dt.datetime):
            return aware(value)
    return aware(published)


def fact_keys(event: Event, published: dt.datetime) -> FactKeys:
    has = _fields(type(event))
    issued = event if isinstance(event, DirectiveIssued) else None
    return FactKeys(
        _uuid(getattr(event, has.subject, None)) if has.subject else None,
        _uuid(getattr(event, "directive_id", None)) if has.directive else None,
        _uuid(getattr(event, "violation_id", None)) if has.violation else None,
        _uuid(getattr(event, "inspection_id", None)) if has.inspection else None,
        instant(event, published),
        event.year if isinstance(event, ReportDue | ReportSubmitted) else None,
        issued is not None and is_scheme(issued.content),
        issued is not None and bool(obligations_of(issued)),
    )
