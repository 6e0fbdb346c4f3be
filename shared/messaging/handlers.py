"""Typed registration of event handlers: one handler per event type, receiving that type.

    handlers = EventHandlers()
    handlers.on(DirectiveRevoked, tasks.on_directive_revoked)  # (session, DirectiveRevoked)
    handlers.on_envelope(ALL_EVENTS, reporting.on_event)     # (session, Envelope)

`on` checks at registration, by the type checker, that the handler takes the event type
it is declared for; the one `isinstance` that narrows an envelope's event to that type
is here, once, instead of an `assert` at the top of every handler. A handler that needs
more than the event (its id, topic, offset: the reporting read model keeps them) is
registered with `on_envelope` and gets the whole envelope.

A handler whose cost is per statement rather than per event (the tasks service turns
each `directive.issued` into several rows) is registered with `on_batch`: it receives
the consecutive events of its type from one consumer batch together, each as a
`Received` carrying the traceparent its effects continue, so one insert serves the whole
run and every effect still joins the trace of the event that caused it. Alone (a retry,
a redelivery) it receives a run of one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.envelope import Envelope
from shared.contracts.events import Event
from shared.telemetry import current_traceparent

E = TypeVar("E", bound=Event)

EventHandler = Callable[[AsyncSession, E], Awaitable[None]]
EnvelopeHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]


@dataclass(frozen=True)
class Received(Generic[E]):
    """An event handed to a batch handler, with the traceparent of its consume span."""

    event: E
    traceparent: str | None


BatchHandler = Callable[[AsyncSession, Sequence[Received[E]]], Awaitable[None]]
# What the consumer calls for a run of events of one batch-handled type.
RunHandler = Callable[[AsyncSession, Sequence[tuple[Envelope, str | None]]], Awaitable[None]]


class EventHandlers:
    """The event types a service consumes and what handles each, in its transaction."""

    def __init__(self) -> None:
        self._by_type: dict[type[Event], EnvelopeHandler] = {}
        self._runs: dict[type[Event], RunHandler] = {}

    def on(self, event_type: type[E], handler: EventHandler[E]) -> EventHandlers:
        async def dispatch(session: AsyncSession, envelope: Envelope) -> None:
            event = envelope.event
            if not isinstance(event, event_type):  # the consumer looks handlers up by type
                raise TypeError(f"{type(event).__name__} routed to a {event_type.__name__} handler")
            await handler(session, event)

        return self._add(event_type, dispatch)

    def on_batch(self, event_type: type[E], handler: BatchHandler[E]) -> EventHandlers:
        async def dispatch_run(
            session: AsyncSession, run: Sequence[tuple[Envelope, str | None]]
        ) -> None:
            received: list[Received[E]] = []
            for envelope, traceparent in run:
                event = envelope.event
                if not isinstance(event, event_type):
                    raise TypeError(
                        f"{type(event).__name__} routed to a {event_type.__name__} handler"
                    )
                received.append(Received(event, traceparent))
            await handler(session, received)

        async def dispatch_one(session: AsyncSession, envelope: Envelope) -> None:
            # Alone, the event's consume span is the current one.
            await dispatch_run(session, [(envelope, current_traceparent())])

        self._add(event_type, dispatch_one)
        self._runs[event_type] = dispatch_run
        return self

    def on_envelope(
        self, event_types: type[Event] | Iterable[type[Event]], handler: EnvelopeHandler
    ) -> EventHandlers:
        for event_type in [event_types] if isinstance(event_types, type) else event_types:
            self._add(event_type, handler)
        return self

    def _add(self, event_type: type[Event], handler: EnvelopeHandler) -> EventHandlers:
        if event_type in self._by_type:
            raise ValueError(f"{event_type.__name__} already has a handler")
        self._by_type[event_type] = handler
        return self

    def get(self, event_type: type[Event]) -> EnvelopeHandler | None:
        return self._by_type.get(event_type)

    def run_handler(self, event_type: type[Event]) -> RunHandler | None:
        """The handler taking consecutive events of this type together, if it has one."""
        return self._runs.get(event_type)

    @property
    def topics(self) -> list[str]:
        return sorted({event_type.topic for event_type in self._by_type})

    def __len__(self) -> int:
        return len(self._by_type)
