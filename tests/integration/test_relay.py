"""The outbox relay on real PostgreSQL and Kafka: a relay that takes over after a crash
does not publish again what its predecessor sent but did not mark."""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import Table, select, text

from shared.clock import Clock
from shared.contracts.events import TOPIC_TASKS
from shared.db import Database, new_metadata
from shared.messaging.kafka_client import client_kwargs
from shared.messaging.outbox import Outbox
from shared.messaging.relay import SET_ASIDE_AFTER, Relay, RelayBatchError
from shared.messaging.tables import outbox_table
from tests.events import overdue
from tests.integration.conftest import Platform
from tests.integration.kafka_tools import read_topic

TRACE = {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}


@contextlib.asynccontextmanager
async def own_outbox(platform: Platform) -> AsyncIterator[tuple[Database, Table, str]]:
    """An outbox in a schema of its own, so the running tasks service's relay never
    sees these rows; dropped afterwards."""
    schema = f"relay_{uuid.uuid4().hex[:8]}"
    db = Database(platform.stack.database_url("tasks"))
    async with db.engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    metadata = new_metadata()
    metadata.schema = schema
    table = outbox_table(metadata)
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield db, table, schema
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await db.dispose()


async def test_takeover_marks_what_already_reached_kafka(platform: Platform) -> None:
    # A recording tracer, as in a service: the relay's publish span gives `traceparent`.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    async with own_outbox(platform) as (db, table, schema):
        outbox = Outbox(table, schema, Clock())
        async with db.transaction() as session:
            envelopes = await outbox.add(session, *(overdue(n) for n in range(3)))
        # The crashed predecessor: sent the first two, died before marking them.
        async with db.sessions() as session:
            rows = (await session.execute(select(table).order_by(table.c.id))).all()
        producer = AIOKafkaProducer(**client_kwargs(platform.kafka), acks="all")
        await producer.start()
        for row in rows[:2]:
            await producer.send_and_wait(
                row.topic,
                value=row.value,
                key=row.key.encode(),
                headers=[(k, v.encode()) for k, v in {**row.headers, **TRACE}.items()],
            )
        await producer.stop()

        relay = Relay(db, table, schema, platform.kafka)
        assert await relay.reconcile() == 2
        producer = AIOKafkaProducer(
            **client_kwargs(platform.kafka), acks="all", enable_idempotence=True
        )
        await producer.start()
        assert await relay.publish_batch(producer) == 1
        await producer.stop()
        assert await relay.backlog() == 0

        ids = {e.id for e in envelopes}
        records = await read_topic(
            platform.kafka,
            TOPIC_TASKS,
            lambda rs: ids <= {r.headers.get("ce_id") for r in rs},
        )
        counts = Counter(r.headers["ce_id"] for r in records if r.headers.get("ce_id") in ids)
        assert counts == dict.fromkeys(ids, 1)


async def test_a_row_the_broker_refuses_is_set_aside_and_the_rest_go_through(
    platform: Platform,
) -> None:
    """An oversized row put into an outbox by hand (the outbox itself would refuse it)
    is refused by Kafka; after its tries it is set aside, while the 100 events behind it
    are published, once each."""
    async with own_outbox(platform) as (db, table, schema):
        outbox = Outbox(table, schema, Clock())
        async with db.transaction() as session:
            (poison,) = await outbox.add(session, overdue(0))
            await session.execute(
                table.update()
                .where(table.c.event_id == poison.id)
                .values(value=b'{"agency": "' + b"x" * 2_000_000 + b'"}')
            )
        async with db.transaction() as session:
            behind = await outbox.add(session, *(overdue(n) for n in range(1, 101)))
        relay = Relay(db, table, schema, platform.kafka)
        producer = AIOKafkaProducer(
            **client_kwargs(platform.kafka), acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            tries = 0
            while await relay.backlog():
                tries += 1
                assert tries <= SET_ASIDE_AFTER, "the refused row was never set aside"
                # The refused row raises, counted; the relay's loop would back off.
                with contextlib.suppress(RelayBatchError):
                    await relay.publish_batch(producer)
        finally:
            await producer.stop()
        assert relay.published == 100  # the first try already sent every other row
        async with db.sessions() as session:
            row = (await session.execute(select(table).where(table.c.event_id == poison.id))).one()
        assert row.set_aside_at is not None and row.published_at is None
        assert row.attempts == SET_ASIDE_AFTER and "TooLarge" in (row.last_error or "")
        ids = {e.id for e in behind}
        records = await read_topic(
            platform.kafka, TOPIC_TASKS, lambda rs: ids <= {r.headers.get("ce_id") for r in rs}
        )
        counts = Counter(r.headers["ce_id"] for r in records if r.headers.get("ce_id") in ids)
        assert counts == dict.fromkeys(ids, 1)
