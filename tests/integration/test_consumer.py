"""The consumer on real PostgreSQL and Kafka: a batch with a failing handler keeps its
good events (once each) and dead-letters the bad one after its retries."""

from __future__ import annotations

import json
import uuid

from aiokafka import AIOKafkaProducer, ConsumerRecord
from sqlalchemy import Column, Integer, Table, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.envelope import Envelope, publisher_source
from shared.contracts.events import TaskOverdue, dlq_topic
from shared.db import Database, new_metadata
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.messaging.handlers import EventHandlers
from shared.messaging.kafka_client import client_kwargs
from shared.messaging.tables import inbox_table
from shared.messaging.testing import as_record
from shared.messaging.topics import ensure_topics, platform_topics
from tests.events import overdue
from tests.integration.conftest import Platform
from tests.integration.kafka_tools import read_topic

BAD = 666


def record(n: int, offset: int) -> ConsumerRecord[bytes, bytes]:
    event = overdue(n)
    return as_record(Envelope(event=event, source=publisher_source(TaskOverdue)), offset)


async def test_a_failing_handler_costs_only_its_own_message(platform: Platform) -> None:
    schema = f"consumer_{uuid.uuid4().hex[:8]}"
    service = f"consumertest-{uuid.uuid4().hex[:8]}"
    db = Database(platform.stack.database_url("tasks"))
    metadata = new_metadata()
    metadata.schema = schema
    inbox = inbox_table(metadata)
    effects = Table("effects", metadata, Column("occurrence", Integer), Column("note", Text))
    async with db.engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await conn.run_sync(metadata.create_all)
    await ensure_topics(platform.kafka, platform_topics([service]))
    producer = AIOKafkaProducer(**client_kwargs(platform.kafka), acks="all")
    await producer.start()

    async def handler(session: AsyncSession, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, TaskOverdue)
        await session.execute(effects.insert().values(occurrence=event.occurrence, note="done"))
        if event.occurrence == BAD:
            raise RuntimeError("cannot handle this one")

    consumer = EventConsumer(
        service=service,
        db=db,
        inbox=inbox,
        handlers=EventHandlers().on_envelope(TaskOverdue, handler),
        dead_letters=DeadLetters(service, lambda: producer),
        max_attempts=3,
        backoff_s=0.01,
    )
    try:
        batch = [record(1, 10), record(BAD, 11), record(3, 12)]
        await consumer.handle_batch(batch)
        await consumer.handle_batch(batch[::2])  # redelivery of the good ones
        async with db.sessions() as session:
            done = sorted((await session.execute(select(effects.c.occurrence))).scalars())
            handled = (await session.execute(select(inbox.c.offset))).scalars().all()
        assert done == [1, 3]  # once each; the failed batch and the bad event left nothing
        assert sorted(handled) == [10, 12]
        dead = await read_topic(platform.kafka, dlq_topic(service), lambda rs: len(rs) >= 1)
        assert len(dead) == 1
        assert json.loads(dead[0].value or b"{}")["occurrence"] == BAD
        assert dead[0].headers["dlq_error"].startswith("handler failed 3 times: RuntimeError")
        assert dead[0].headers["dlq_source_offset"] == "11"
    finally:
        await producer.stop()
        async with db.engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await db.dispose()
