"""Benchmark: the consumer's batch path against its one-by-one path, and the relay.

Runs on a real local stack of its own (ports 46xxx, state in .state/bench):
- N events handled one transaction per event (the baseline: what the consumer does
  for a batch that failed, and what it did before batching);
- the same N events handled in batches of 200 (one transaction per batch);
- N outbox rows published to Kafka by the relay.
Each handler writes an inbox row and one effect row, like a real handler. Prints
events per second and the speed-up over the baseline measured in the same run.

    .venv/bin/python bench/consumer_throughput.py [N]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
import uuid

from aiokafka import AIOKafkaProducer, ConsumerRecord
from sqlalchemy import Column, Integer, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from chidao.stack.stack import LocalStack
from shared.clock import Clock
from shared.contracts.envelope import Envelope, publisher_source
from shared.contracts.events import TaskOverdue
from shared.contracts.values import UnitRef
from shared.db import Database, new_metadata
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.messaging.handlers import EventHandlers
from shared.messaging.kafka_client import client_kwargs
from shared.messaging.outbox import Outbox
from shared.messaging.relay import Relay, new_producer
from shared.messaging.tables import inbox_table, outbox_table
from shared.messaging.testing import as_record
from shared.messaging.topics import ensure_topics, platform_topics
from shared.settings import REPO_ROOT

BATCH = 200


def event(n: int) -> TaskOverdue:
    return TaskOverdue(
        agency="sxd-thanhhoa",
        task_id=uuid.uuid4(),
        directive_id=uuid.uuid4(),
        lead_unit=UnitRef(code="VP", name="Văn phòng Sở"),
        at=dt.datetime(2020, 12, 16, tzinfo=dt.UTC),
        due_date=dt.date(2020, 12, 15),
        occurrence=n,
    )


def records(n: int) -> list[ConsumerRecord[bytes, bytes]]:
    return [
        as_record(Envelope(event=event(i), source=publisher_source(TaskOverdue)), i)
        for i in range(n)
    ]


async def run(n: int, stack: LocalStack) -> None:
    db = Database(stack.database_url("tasks"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    metadata = new_metadata()
    metadata.schema = schema
    inbox = inbox_table(metadata)
    outbox = outbox_table(metadata)
    effects = Table("effects", metadata, Column("occurrence", Integer))
    async with db.engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await conn.run_sync(metadata.create_all)
    # The platform's topics exist (the stack made them); the bench's own DLQ does not,
    # and brokers do not create topics on use. The bench acts as the stack's admin.
    kafka = stack.kafka_access()
    await ensure_topics(kafka, platform_topics(["bench"]))
    producer = AIOKafkaProducer(**client_kwargs(kafka))
    await producer.start()

    async def handler(session: AsyncSession, envelope: Envelope) -> None:
        assert isinstance(envelope.event, TaskOverdue)
        await session.execute(effects.insert().values(occurrence=envelope.event.occurrence))

    def consumer(name: str) -> EventConsumer:
        return EventConsumer(
            service=name,
            db=db,
            inbox=inbox,
            handlers=EventHandlers().on_envelope(TaskOverdue, handler),
            dead_letters=DeadLetters(name, lambda: producer),
        )

    try:
        one = consumer("bench-one")
        start = time.perf_counter()
        for record in records(n):
            await one.handle(record)
        single = n / (time.perf_counter() - start)

        many = consumer("bench-batch")
        batch_records = records(n)
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            await many.handle_batch(batch_records[i : i + BATCH])
        batched = n / (time.perf_counter() - start)

        staged = Outbox(outbox, schema, Clock())
        for i in range(0, n, BATCH):
            async with db.transaction() as session:
                await staged.add(session, *(event(j) for j in range(i, min(n, i + BATCH))))
        # The relay as the tasks service runs it: its own principal (TaskOverdue is a
        # tasks event), SASL/SCRAM, under the ACLs.
        tasks = stack.kafka_access("tasks")
        relay = Relay(db, outbox, schema, tasks)
        relay_producer = new_producer(tasks)
        await relay_producer.start()
        start = time.perf_counter()
        while await relay.publish_batch(relay_producer):
            pass
        relayed = n / (time.perf_counter() - start)
        await relay_producer.stop()
    finally:
        await producer.stop()
        async with db.engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await db.dispose()

    print(f"events: {n}")
    print(f"consumer, one transaction per event (baseline): {single:8.0f} events/s")
    print(
        f"consumer, batches of {BATCH}:                   {batched:8.0f} events/s "
        f"({batched / single:.1f}x baseline)"
    )
    print(f"relay, outbox → Kafka (acks=all, idempotent): {relayed:8.0f} events/s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    stack = LocalStack(
        state_dir=REPO_ROOT / ".state" / "bench",
        kafka_port=46092,
        kafka_controller_port=46093,
        postgres_port=46432,
        keycloak_port=46080,
        kafka_libs=REPO_ROOT / ".state" / "kafka" / "libs",
    )
    info = stack.up([])
    try:
        asyncio.run(run(n, stack))
    finally:
        stack.stop_started(info)


if __name__ == "__main__":
    main()
