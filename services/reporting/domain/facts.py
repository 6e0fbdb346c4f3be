"""What the reporting service knows: every public event it consumed, as a fact.

The read model is built only from events. A `Fact` is one event with where it came
from (topic, partition, offset), so every figure can name the events behind it and a
report can name the offsets it covers. Facts are unique by event id, so a duplicate
delivery adds nothing, and the report is computed from the set of facts, so arrival
order does not matter either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from shared.contracts.events import Event
from shared.contracts.values import Unit


@dataclass(frozen=True)
class Fact:
    event_id: str
    ce_type: str
    topic: str
    partition: int
    offset: int
    time: dt.datetime  # ce_time: when it happened, by the publishing service's clock
    event: Event


@dataclass(frozen=True)
class AgencyInfo:
    """From the latest `org.directory_published` of the agency."""

    code: str
    name: str
    short_name: str
    province: str
    units: tuple[Unit, ...]


def directory_in_force(found: Sequence[Fact], day: dt.date | None) -> Fact | None:
    """The `org.directory_published` fact of the version in force on `day` (the newest
    version when `day` is None): a report names units as the directory of its year did,
    not as a later reorganisation renamed them. Among the same version published twice,
    the later publication (a corrected file) wins."""
    dated = [
        (getattr(f.event, "valid_from", None) or dt.date.min, f.time, f.event_id, f) for f in found
    ]
    in_force = [d for d in dated if day is None or d[0] <= day]
    return max(in_force, key=lambda d: d[:3])[3] if in_force else None
