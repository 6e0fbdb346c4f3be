"""How an aggregate reports a change: its new state and the events the change implies.

Every command method of every aggregate returns `Changed[Aggregate]` (Eventuate
Tram's `ResultWithEvents`): the rules that decide the new state also decide what the
rest of the platform hears about it, in one pure function, so an event can never
disagree with the state it describes. The handler then saves `state` and stages
`events` in the outbox in one transaction (`shared.messaging.outbox.Outbox.stage`).

A change that implies no event (a draft edited) has `events=()`; a command that
leaves the aggregate as it was returns `None` where the aggregate documents it
(`Task.mark_overdue`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.contracts.events import Event

S = TypeVar("S")
T = TypeVar("T")


@dataclass(frozen=True)
class Changed(Generic[S]):
    state: S
    events: tuple[Event, ...] = ()

    def then(self, step: Callable[[S], Changed[T]]) -> Changed[T]:
        """Apply a further change to the new state; the events of both, in order."""
        following = step(self.state)
        return Changed(following.state, (*self.events, *following.events))
