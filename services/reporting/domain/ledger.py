"""The set of facts a report is computed from.

A report must be a function of the SET of facts: the same events delivered twice, or
in another order, or replayed from offset 0 into a fresh database, give the same
report. So the ledger (1) keeps one fact per event id, (2) orders facts by
(time, event id), never by arrival, and (3) keeps only the agency's own facts for the
figures, while `coverage` (topic/partition offsets, event count) is taken over every
fact given: it says what the computation has seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from services.reporting.domain.facts import Fact
from services.reporting.domain.periods import aware
from shared.contracts.events import Event

E = TypeVar("E", bound=Event)


def dedupe(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per event id, sorted by (time, event id). A redelivered event may sit
    at another offset; the lowest position wins so the choice is order-independent."""
    chosen: dict[str, Fact] = {}
    for fact in facts:
        held = chosen.get(fact.event_id)
        if held is None or _position(fact) < _position(held):
            chosen[fact.event_id] = fact
    return sorted(chosen.values(), key=lambda f: (aware(f.time), f.event_id))


def _position(fact: Fact) -> tuple[str, int, int]:
    return fact.topic, fact.partition, fact.offset


def coverage(facts: Iterable[Fact]) -> tuple[dict[str, dict[str, int]], int]:
    """{topic: {partition: max offset}} and the number of distinct events."""
    offsets: dict[str, dict[str, int]] = {}
    ids: set[str] = set()
    for fact in facts:
        ids.add(fact.event_id)
        per_topic = offsets.setdefault(fact.topic, {})
        key = str(fact.partition)
        per_topic[key] = max(per_topic.get(key, fact.offset), fact.offset)
    ordered = {
        topic: dict(sorted(parts.items(), key=lambda kv: int(kv[0])))
        for topic, parts in sorted(offsets.items())
    }
    return ordered, len(ids)


class Ledger:
    """The agency's facts, deduplicated and in (time, event id) order."""

    def __init__(self, facts: Iterable[Fact], agency: str) -> None:
        self.agency = agency
        self.facts = [f for f in dedupe(facts) if f.event.agency == agency]

    def of(self, kind: type[E]) -> list[tuple[str, E]]:
        """(event id, event) of one event type, in ledger order."""
        return [(f.event_id, f.event) for f in self.facts if isinstance(f.event, kind)]
