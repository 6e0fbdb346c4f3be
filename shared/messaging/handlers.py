"""Typed registration of event handlers: one handler per event type, receiving that type.

    handlers = EventHandlers()
    handlers.on(DirectiveIssued, tasks.on_directive_issued)   # (session, DirectiveIssued)
    handlers.on_envelope(ALL_EVENTS, reporting.on_event)     # (session, Envelope)

`on` checks at registration, by the type checker, that the handler takes the event type
it is declared for; the one `isinstance` that narrows an envelope's event to that type
is here, once, instead of an `assert` at the top of every handler. A handler that needs
more than the event (its id, topic, offset: the reporting read model keeps them) is
registered with `on_envelope` and gets the whole envelope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.envelope import Envelope
from shared.contracts.events import Event

E = TypeVar("E", bound=Event)

EventHandler = Callable[[AsyncSession, E], Awaitable[None]]
EnvelopeHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]


class EventHandlers:
    """The event types a service consumes and what handles each, in its transaction."""

    def __init__(self) -> None:
        self._by_type: dict[type[Event], EnvelopeHandler] = {}

    def on(self, event_type: type[E], handler: EventHandler[E]) -> EventHandlers:
        async def dispatch(session: AsyncSession, envelope: Envelope) -> None:
            event = envelope.event
            if not isinstance(event, event_type):  # the consumer looks handlers up by type
                raise TypeError(f"{type(event).__name__} routed to a {event_type.__name__} handler")
            await handler(session, event)

        return self._add(event_type, dispatch)

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

    @property
    def topics(self) -> list[str]:
        return sorted({event_type.topic for event_type in self._by_type})

    def __len__(self) -> int:
        return len(self._by_type)
