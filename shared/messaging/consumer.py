"""Consuming public events: envelope check, inbox, retries, dead-letter topic.

Design note
- FastStream batch subscriber with `AckPolicy.MANUAL` and a raw decoder: we see the
  bytes before anything parses them, and we commit the offsets ourselves, only after
  the handlers' transaction (effects + inbox rows) committed, or after a message was
  safely written to the dead-letter topic. A crash in between means redelivery,
  which the inbox turns into a no-op.
- A batch is one transaction (throughput: one commit per batch, not per event). If it
  fails, its records are handled one by one, each with its own retries, so a bad
  message never takes good ones down with it. Each event keeps its own span, child
  of the trace that caused it.
- A message that cannot be read (headers, JSON, schema), or that is not on its type's
  topic or not from the service owning that type (`check_provenance`), is poison: straight to
  `chidao.dlq.<service>`. A handler that fails on the event's own merits is retried
  `max_attempts` times with exponential backoff, then dead-lettered; either way the
  partition moves on. A failure of the infrastructure (database or broker unreachable,
  timeouts, serialization conflicts: `failures.is_infrastructure`) is never a reason
  to dead-letter: the consumer holds its place and retries with capped backoff until
  the dependency is back, and readiness says so meanwhile.
- Dead letters keep the original key, value and headers, and add `dlq_error`,
  `dlq_source_topic`, `dlq_source_partition`, `dlq_source_offset`, `dlq_consumer`,
  `dlq_failed_at`, so `chidao dlq redrive` can send them back unchanged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared import metrics
from shared.contracts.envelope import (
    Envelope,
    PoisonMessage,
    UnknownEventType,
    envelope_of,
)
from shared.contracts.events import dlq_topic
from shared.db import Database
from shared.messaging.failures import is_infrastructure
from shared.messaging.handlers import EnvelopeHandler, EventHandlers, RunHandler
from shared.messaging.inbox import Delivery, first_deliveries, first_delivery
from shared.telemetry import context_from_traceparent, traceparent_of

log = logging.getLogger(__name__)

# The longest wait between two tries while the database or the broker is down.
MAX_OUTAGE_BACKOFF_S = 10.0
tracer = trace.get_tracer("chidao.consumer")

Work = tuple["ConsumerRecord[bytes, bytes]", Envelope, EnvelopeHandler]


def _decodable(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    """The record with header values FastStream can decode (others emptied)."""
    headers = []
    for key, value in record.headers or ():
        try:
            (value or b"").decode()
        except UnicodeDecodeError:
            value = b""
        headers.append((key, value or b""))
    return replace(record, headers=tuple(headers))


async def keep_raw_records(
    records: tuple[ConsumerRecord[bytes, bytes], ...], original: Callable[..., Awaitable[Any]]
) -> Any:
    """FastStream's batch parser, made unable to drop a batch: it decodes every header
    as UTF-8 before any code of ours runs, and one undecodable value made it raise and
    skip the whole batch (whose offsets the next commit then moved past). It parses a
    copy whose undecodable values are emptied, and the message keeps the untouched
    records as `raw_message`: the envelope check reads the real bytes and dead-letters
    the bad record alone."""
    message = await original(tuple(_decodable(r) for r in records))
    message.raw_message = records
    return message


class DeadLetters:
    def __init__(self, service: str, producer: Callable[[], AIOKafkaProducer]) -> None:
        self.topic = dlq_topic(service)
        self.service = service
        self._producer = producer
        self.count = 0

    async def send(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        headers = list(record.headers or ())
        headers += [
            ("dlq_error", error[:4000].encode()),
            ("dlq_source_topic", record.topic.encode()),
            ("dlq_source_partition", str(record.partition).encode()),
            ("dlq_source_offset", str(record.offset).encode()),
            ("dlq_consumer", self.service.encode()),
            ("dlq_failed_at", dt.datetime.now(dt.UTC).isoformat().encode()),
        ]
        future = await self._producer().send(
            self.topic, value=record.value, key=record.key, headers=headers
        )
        await future
        self.count += 1
        metrics.dead_lettered.add(1, {"service": self.service})
        log.error(
            "dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, error
        )


class EventConsumer:
    """Dispatches the events of some topics to handlers, one transaction each."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        inbox: Table,
        handlers: EventHandlers,
        dead_letters: DeadLetters,
        max_attempts: int = 4,
        backoff_s: float = 0.2,
    ) -> None:
        self.service = service
        self.db = db
        self.inbox = inbox
        self.handlers = handlers
        self.dead_letters = dead_letters
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.handled = 0
        # Why the consumer is waiting for the database or broker, while it is.
        self.infrastructure_down: str | None = None

    @property
    def topics(self) -> list[str]:
        return self.handlers.topics

    def subscribe(self, broker: KafkaBroker, max_records: int = 200) -> None:
        async def keep_bytes(message: Any) -> Any:
            return message.body

        @broker.subscriber(
            *self.topics,
            group_id=self.service,
            ack_policy=AckPolicy.MANUAL,
            parser=keep_raw_records,
            decoder=keep_bytes,
            auto_offset_reset="earliest",
            batch=True,
            max_records=max_records,
        )
        async def on_batch(body: Any, message: KafkaMessage) -> None:
            raw = message.raw_message
            await self.handle_batch(raw if isinstance(raw, tuple) else (raw,))
            try:
                await message.ack()
            except Exception as exc:
                log.warning("offset commit failed, the messages will be redelivered: %s", exc)

    async def handle_batch(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Handle a batch in one transaction; if that fails, record by record (with
        retries and the dead-letter topic), so one bad message costs only itself."""
        work: list[Work] = []
        for record in records:
            item = await self._read(record)
            if item is not None:
                work.append(item)
        if not work:
            return
        try:
            async with self.db.transaction() as session:
                fresh = await first_deliveries(
                    session,
                    self.inbox,
                    self.service,
                    [Delivery(e.id, e.type, r.topic, r.partition, r.offset) for r, e, _ in work],
                )
                run: list[tuple[ConsumerRecord[bytes, bytes], Envelope]] = []
                run_handler: RunHandler | None = None
                for record, envelope, handler in work:
                    if envelope.id not in fresh:
                        continue
                    fresh.discard(envelope.id)  # the same event twice in a batch: once
                    batched = self.handlers.run_handler(type(envelope.event))
                    if batched is not None and batched is run_handler:
                        run.append((record, envelope))
                        continue
                    if run_handler is not None:
                        await self._handle_run(session, run_handler, run)
                    run, run_handler = [], batched
                    if batched is not None:
                        run.append((record, envelope))
                        continue
                    with self._span(record, envelope):
                        await handler(session, envelope)
                if run_handler is not None:
                    await self._handle_run(session, run_handler, run)
            self.handled += len(work)
            metrics.handled.add(len(work), {"service": self.service})
        except Exception as exc:
            if len(work) > 1:
                log.info("batch of %d failed (%s); handling one by one", len(work), exc)
            for item in work:
                await self._handle_with_retries(*item)

    async def _handle_run(
        self,
        session: AsyncSession,
        handler: RunHandler,
        run: Sequence[tuple[ConsumerRecord[bytes, bytes], Envelope]],
    ) -> None:
        """Consecutive events of a batch-handled type, in one call; each keeps its own
        consume span, whose traceparent its effects carry."""
        spans = [
            tracer.start_span(**self._span_arguments(record, envelope)) for record, envelope in run
        ]
        received = [(e, traceparent_of(span)) for (_, e), span in zip(run, spans, strict=True)]
        # The statements the handler runs belong to a current span: the event's own when
        # it is alone; for several, one batch span linked to each event's (OpenTelemetry's
        # messaging conventions for batch processing).
        current = (
            trace.use_span(spans[0])
            if len(spans) == 1
            else tracer.start_as_current_span(
                f"process {len(spans)} {run[0][1].type}",
                kind=trace.SpanKind.CONSUMER,
                links=[trace.Link(span.get_span_context()) for span in spans],
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.type": "process",
                    "messaging.batch.message_count": len(spans),
                },
            )
        )
        try:
            with current:
                await handler(session, received)
        finally:
            for span in spans:
                span.end()

    async def handle(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Handle one record; returns once it is safely handled or dead-lettered."""
        item = await self._read(record)
        if item is not None:
            await self._handle_with_retries(*item)

    async def _read(self, record: ConsumerRecord[bytes, bytes]) -> Work | None:
        """The record's envelope and handler; poison is dead-lettered here."""
        try:
            envelope = envelope_of(record)
        except (PoisonMessage, UnknownEventType) as exc:
            await self._dead_letter(record, f"{type(exc).__name__}: {exc}")
            return None
        handler = self.handlers.get(type(envelope.event))
        if handler is None:
            return None  # another event on a topic we read; not ours to handle
        return record, envelope, handler

    def _span(self, record: ConsumerRecord[bytes, bytes], envelope: Envelope) -> Any:
        return tracer.start_as_current_span(**self._span_arguments(record, envelope))

    def _span_arguments(
        self, record: ConsumerRecord[bytes, bytes], envelope: Envelope
    ) -> dict[str, Any]:
        return dict(
            name=f"consume {envelope.type}",
            context=context_from_traceparent(envelope.traceparent),
            kind=trace.SpanKind.CONSUMER,
            attributes={
                # OpenTelemetry's messaging conventions (Kafka).
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.operation.name": "consume",
                "messaging.destination.name": record.topic,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.consumer.group.name": self.service,
                "messaging.kafka.offset": record.offset,
                "messaging.message.id": envelope.id,
                "cloudevents.event_id": envelope.id,
                "cloudevents.event_type": envelope.type,
            },
        )

    async def _handle_with_retries(
        self, record: ConsumerRecord[bytes, bytes], envelope: Envelope, handler: EnvelopeHandler
    ) -> None:
        """Handle one event: a failure of the infrastructure is waited out, however
        long; a failure of the event itself is retried `max_attempts` times, then
        dead-lettered (`failures.is_infrastructure` tells the two apart)."""
        with self._span(record, envelope) as span:
            attempt, outage_delay = 0, self.backoff_s
            while True:
                try:
                    async with self.db.transaction() as session:
                        await self._apply(session, record, envelope, handler)
                    self.handled += 1
                    metrics.handled.add(1, {"service": self.service})
                    self.infrastructure_down = None
                    return
                except Exception as exc:
                    if is_infrastructure(exc):
                        # Not this event's fault: keep the partition where it is and wait.
                        self.infrastructure_down = f"{type(exc).__name__}: {exc}"
                        log.warning(
                            "infrastructure unavailable, retrying %s in %.1fs: %s",
                            envelope.type,
                            outage_delay,
                            exc,
                        )
                        await asyncio.sleep(outage_delay)
                        outage_delay = min(outage_delay * 2, MAX_OUTAGE_BACKOFF_S)
                        continue
                    attempt += 1
                    span.record_exception(exc)
                    if attempt >= self.max_attempts:
                        await self._dead_letter(
                            record, f"handler failed {attempt} times: {type(exc).__name__}: {exc}"
                        )
                        return
                    delay = self.backoff_s * 2 ** (attempt - 1)
                    log.warning(
                        "handler failed (attempt %d), retry in %.2fs: %s", attempt, delay, exc
                    )
                    await asyncio.sleep(delay)

    async def _apply(
        self,
        session: AsyncSession,
        record: ConsumerRecord[bytes, bytes],
        envelope: Envelope,
        handler: EnvelopeHandler,
    ) -> None:
        """The effect and the inbox row, in the caller's transaction."""
        fresh = await first_delivery(
            session,
            self.inbox,
            consumer=self.service,
            event_id=envelope.id,
            event_type=envelope.type,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        )
        if fresh:
            await handler(session, envelope)

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        # Keep trying: committing the offset without the dead letter would lose it.
        delay = 0.5
        while True:
            try:
                await self.dead_letters.send(record, error)
                return
            except Exception as exc:
                log.error("dead-letter publish failed, retrying in %.1fs: %s", delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
