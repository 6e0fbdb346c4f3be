"""The outbox relay: publishes committed outbox rows to Kafka, in order, at least once.

Design note
- One active relay per service: the relay holds a PostgreSQL advisory lock on its own
  connection. Other instances stand by and take over when that connection dies, so
  several instances are safe and events of one aggregate keep their order.
- Woken by LISTEN/NOTIFY (the outbox writes `pg_notify` in the business transaction),
  with a one-second poll as a safety net.
- Idempotent producer with acks=all: broker-side retries never duplicate or reorder.
  A row is marked published only after Kafka acknowledged it.
- A relay killed between Kafka's acknowledgement and the mark leaves rows that are in
  Kafka but still pending. So a relay that takes over first reconciles: it reads the
  tail of the topics those rows go to (at most one batch per partition, since the
  previous holder sent at most one batch it did not mark, and only this service
  writes these topics) and marks the rows whose `ce_id` it finds as published instead
  of sending them again. Each event is published once, even across SIGKILL.
  Consumers' inboxes remain the second line of defence.
- A failed send leaves the rows pending, counts the attempt, backs off, and recreates
  the producer (aiokafka's idempotent producer can stay stuck after
  OutOfOrderSequenceNumber, aiokafka #1017). Tries are counted per row: a row the
  broker refuses on its own merits (`failures.is_infrastructure` says no: too large,
  not allowed on its topic) is set aside after `SET_ASIDE_AFTER` tries
  (`set_aside_at`, metric `chidao.outbox.set_aside`, `chidao outbox stuck SERVICE`), so
  it never holds up the events behind it; rows are never set aside for an outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from sqlalchemy import BigInteger, Table, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import func

from shared import metrics
from shared.db import Database, asyncpg_dsn
from shared.messaging.batches import Outgoing, send_all
from shared.messaging.failures import is_infrastructure
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import tail_event_ids
from shared.messaging.outbox import OutboxRow, notify_channel
from shared.messaging.partitioner import KeyPartitioner
from shared.telemetry import context_from_traceparent, traceparent_of

log = logging.getLogger(__name__)
tracer = trace.get_tracer("chidao.relay")


# Tries before a row the broker refuses on its own merits (too large, a topic this
# principal may not write) is set aside; an outage is never a reason to set one aside.
SET_ASIDE_AFTER = 5


class RelayBatchError(Exception):
    """Some rows of a batch were not accepted; each has its try counted."""

    def __init__(self, failures: list[BaseException]) -> None:
        first = failures[0]
        super().__init__(f"{len(failures)} row(s) refused, first: {type(first).__name__}: {first}")
        self.failures = failures


def new_producer(kafka: KafkaAccess) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **client_kwargs(kafka),
        enable_idempotence=True,
        acks="all",
        partitioner=KeyPartitioner(),
        linger_ms=5,
        max_batch_size=256 * 1024,
        request_timeout_ms=15000,
    )


class Relay:
    def __init__(
        self,
        db: Database,
        table: Table,
        service: str,
        kafka: KafkaAccess,
        batch_size: int = 2000,
    ) -> None:
        self.db = db
        self.table = table
        self.service = service
        self.kafka = kafka
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self.published = 0
        self.active = False
        # Rows handed over at commit by this process's outbox, by id (outbox.py).
        self._handed: dict[int, OutboxRow] = {}

    def receive(self, rows: list[OutboxRow]) -> None:
        """Rows just committed by this process: published without reading them back.
        Only the active relay keeps them, and only so many: past that, or on a standby,
        the table is read as for any other row."""
        if self.active and len(self._handed) < 4 * self.batch_size:
            for row in rows:
                self._handed[row.id] = row

    async def run(self) -> None:
        """Wait for the lock, then publish whenever woken, until cancelled or until the
        database or the broker fails in a way this loop cannot ride out; then it raises,
        and its supervisor (`shared.supervision`) backs off and runs it again, which
        reconnects, takes the lock again and reconciles. Nothing here swallows an
        error it cannot recover from: a relay that stopped is seen, never silent."""
        lock_key = zlib.crc32(f"chidao-relay-{self.service}".encode())
        conn = await asyncpg.connect(asyncpg_dsn(self.db.url), timeout=10)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key):
                await asyncio.sleep(1.0)
            await conn.add_listener(notify_channel(self.service), self._on_notify)
            # The lock lives on this connection: if it dies, another instance may take
            # over, so this one must stop publishing at once.
            lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def on_terminated(_: object) -> None:
                # Not when the relay itself closes it, stopping (active is False by then).
                if not lost.done() and self.active:
                    lost.set_exception(ConnectionError("the relay's lock connection closed"))

            conn.add_termination_listener(on_terminated)
            await self.reconcile()
            self.active = True
            log.info("outbox relay active")
            publishing = asyncio.ensure_future(self._publish_loop())
            try:
                await asyncio.wait({publishing, lost}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                publishing.cancel()
                await asyncio.gather(publishing, return_exceptions=True)
            # Whichever ended first says why (a lost lock, or the loop's own error).
            if lost.done():
                lost.result()
            publishing.result()
        finally:
            self.active = False
            self._handed.clear()
            await _close_quietly(conn)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _publish_loop(self) -> None:
        producer = new_producer(self.kafka)
        await producer.start()
        backoff = 0.5
        try:
            while True:
                self._wake.clear()
                try:
                    sent = await self.publish_batch(producer)
                    backoff = 0.5
                except Exception as exc:
                    log.warning("outbox publish failed, retrying in %.1fs: %s", backoff, exc)
                    if not isinstance(exc, RelayBatchError):  # that one counted its rows
                        await self._record_failure(str(exc))
                    await _stop_quietly(producer)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
                    producer = new_producer(self.kafka)
                    await producer.start()
                    # Part of the failed batch may have landed: do not send it twice.
                    await self.reconcile()
                    continue
                if sent < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=1.0)
        finally:
            await _stop_quietly(producer)

    async def publish_batch(self, producer: AIOKafkaProducer) -> int:
        t = self.table
        async with self.db.transaction() as session:
            pending = (
                await session.execute(
                    select(t.c.id, t.c.attempts)
                    .where(t.c.published_at.is_(None))
                    .where(t.c.set_aside_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not pending:
                self._handed.clear()
                return 0
            rows = await self._rows(session, [r.id for r in pending])
            spans, outgoing = [], []
            for row in rows:
                span = tracer.start_span(
                    f"publish {row.event_type}",
                    context=context_from_traceparent(row.traceparent),
                    kind=trace.SpanKind.PRODUCER,
                    attributes={
                        # OpenTelemetry's messaging conventions (Kafka).
                        "messaging.system": "kafka",
                        "messaging.operation.type": "send",
                        "messaging.operation.name": "publish",
                        "messaging.destination.name": row.topic,
                        "messaging.kafka.message.key": row.key,
                        "messaging.message.id": row.event_id,
                        "cloudevents.event_type": row.event_type,
                    },
                )
                spans.append(span)
                headers = list(row.headers)
                traceparent = traceparent_of(span)
                if traceparent:
                    headers.append(("traceparent", traceparent.encode()))
                outgoing.append(Outgoing(row.topic, row.key.encode(), row.value, headers))
            outcomes = await send_all(producer, outgoing)
            for span in spans:
                span.end()
            failed = {
                row.id: out for row, out in zip(rows, outcomes, strict=True) if out is not None
            }
            sent = [r.id for r in rows if r.id not in failed]
            if sent:
                # One array parameter: the statement is the same whatever the batch's size.
                await session.execute(
                    update(t)
                    .where(t.c.id == any_(bindparam("sent", type_=ARRAY(BigInteger))))
                    .values(published_at=func.now(), attempts=t.c.attempts + 1),
                    {"sent": sent},
                )
            still_failing = await self._count_failures(session, pending, failed)
        for row_id in sent:
            self._handed.pop(row_id, None)
        self.published += len(sent)
        metrics.published.add(len(sent), {"service": self.service})
        if still_failing:
            # Committed above: what was sent is marked, the failures are counted. The
            # caller backs off and recreates the producer before the next try.
            raise RelayBatchError(still_failing)
        return len(sent)

    async def _rows(self, session: AsyncSession, ids: list[int]) -> list[OutboxRow]:
        """The rows of these ids, in order: handed over if they were, else read."""
        # Handed rows below the first pending id are no longer pending (published or
        # set aside since): forget them.
        for stale in [i for i in self._handed if i < ids[0]]:
            del self._handed[stale]
        missing = [i for i in ids if i not in self._handed]
        read: dict[int, OutboxRow] = {}
        if missing:
            t = self.table
            result = await session.execute(
                select(
                    t.c.id,
                    t.c.event_id,
                    t.c.event_type,
                    t.c.topic,
                    t.c.key,
                    t.c.headers,
                    t.c.value,
                    t.c.traceparent,
                ).where(t.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger)))),
                {"ids": missing},
            )
            read = {row.id: OutboxRow.read(row) for row in result}
        return [self._handed.get(i) or read[i] for i in ids]

    async def _count_failures(
        self, session: AsyncSession, rows: Sequence[Any], failed: dict[int, BaseException]
    ) -> list[BaseException]:
        """Count a failed try on each failed row; set aside a row the broker refused on
        its own merits `SET_ASIDE_AFTER` times, so it no longer holds up the rows behind
        it. Returns the failures that will be tried again."""
        t = self.table
        retry: list[BaseException] = []
        attempts = {r.id: r.attempts for r in rows}
        for row_id, exc in failed.items():
            error = f"{type(exc).__name__}: {exc}"[:2000]
            set_aside = not is_infrastructure(exc) and attempts[row_id] + 1 >= SET_ASIDE_AFTER
            await session.execute(
                update(t)
                .where(t.c.id == row_id)
                .values(
                    attempts=t.c.attempts + 1,
                    last_error=error,
                    set_aside_at=func.now() if set_aside else None,
                )
            )
            if set_aside:
                metrics.set_aside.add(1, {"service": self.service})
                log.error(
                    "outbox row %d set aside after %d tries: %s", row_id, SET_ASIDE_AFTER, error
                )
            else:
                retry.append(exc)
        return retry

    async def reconcile(self) -> int:
        """Mark pending rows that already reached Kafka as published; return how many."""
        t = self.table
        async with self.db.sessions() as session:
            pending = (
                await session.execute(
                    select(t.c.id, t.c.event_id, t.c.topic)
                    .where(t.c.published_at.is_(None))
                    .where(t.c.set_aside_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                )
            ).all()
        if not pending:
            return 0
        seen = await tail_event_ids(self.kafka, {r.topic for r in pending}, self.batch_size)
        found = [r.id for r in pending if r.event_id in seen]
        if found:
            async with self.db.transaction() as session:
                await session.execute(
                    update(t).where(t.c.id.in_(found)).values(published_at=func.now())
                )
            log.warning("relay takeover: %d events were already in Kafka, not resent", len(found))
        return len(found)

    async def _record_failure(self, error: str) -> None:
        t = self.table
        try:
            async with self.db.transaction() as session:
                oldest = (
                    select(t.c.id).where(t.c.published_at.is_(None)).order_by(t.c.id).limit(1)
                ).scalar_subquery()
                await session.execute(
                    update(t)
                    .where(t.c.id == oldest)
                    .values(attempts=t.c.attempts + 1, last_error=error[:2000])
                )
        except Exception:
            log.exception("could not record outbox failure")

    async def backlog(self) -> int:
        t = self.table
        async with self.db.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(t)
                .where(t.c.published_at.is_(None))
                .where(t.c.set_aside_at.is_(None))
            )
        return int(count or 0)


async def _stop_quietly(producer: AIOKafkaProducer) -> None:
    try:
        await producer.stop()
    except Exception:
        log.debug("producer stop failed", exc_info=True)


async def _close_quietly(conn: asyncpg.Connection) -> None:
    try:
        await conn.close()
    except Exception:
        log.debug("connection close failed", exc_info=True)
