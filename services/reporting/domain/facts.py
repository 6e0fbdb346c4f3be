"""What the reporting service knows: every public event it consumed, as a fact.

The read model is built only from events. A `Fact` is one event with where it came
from (topic, partition, offset), so every figure can name the events behind it and a
report can name the offsets it covers. Facts are unique by event id, so a duplicate
delivery adds nothing, and the report is computed from the set of facts, so arrival
order does not matter either.
"""

from __future__ import annotations

import datetime as dt
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
