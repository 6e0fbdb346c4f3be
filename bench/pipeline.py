"""The tasks service on a backlog: `directive.issued` records in, one task row per duty
and one `task.assigned` per task published (acks=all), exactly once.

chidao: the service's own consumer (`EventConsumer` on FastStream, inbox, handlers,
outbox) and relay (`Relay`), in this process, as the tasks service wires them, under
the tasks principal. Raw baseline: the least a correct service must do, by hand: an
aiokafka consumer and asyncpg read the same records, insert one row per task, produce
one record per task with acks=all and commit the offsets after the database commit.
Both run from the same backlog (their own consumer groups) on an emptied database, each
in a fresh process of its own (`bench.child`), as a service runs: neither carries what
the earlier benchmarks left in the bench process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Sequence

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker

from bench.child import in_own_process
from bench.harness import Results, Target, console, median
from chidao.stack.stack import LocalStack
from services.tasks.adapters.tables import metadata as tasks_metadata
from services.tasks.handlers import TaskService
from shared.clock import VN_TZ, Clock
from shared.contracts.envelope import Envelope, kafka_headers, publisher_source
from shared.contracts.events import TOPIC_DIRECTIVES, TOPIC_TASKS, DirectiveIssued
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    UnitRef,
)
from shared.db import Database, asyncpg_dsn
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.messaging.kafka_client import KafkaAccess, client_kwargs, faststream_security
from shared.messaging.kafka_reads import behind
from shared.messaging.outbox import Outbox
from shared.messaging.relay import Relay

AGENCY = "bench-pipeline"
UNITS = ("VP", "KHTC", "QLXD", "QLN", "TTr", "KTVL", "QHKT", "HTKT")
DUTIES = 8
GOAL_RATIO = 0.5


def directive(n: int) -> DirectiveIssued:
    due = dt.date(2020, 6, 30)
    return DirectiveIssued(
        agency=AGENCY,
        directive_id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{n}"),
        reference=f"{n:02d}/KH-BENCH",
        issued_at=dt.datetime(2020, 3, 2, 9, tzinfo=VN_TZ),
        content=DirectiveContent(
            doc_type=DocType.PLAN,
            number=f"{n:02d}",
            symbol="KH-BENCH",
            date=dt.date(2020, 3, 2),
            subject=f"Kế hoạch số {n} về cải cách hành chính",
            assignments=tuple(
                Assignment(
                    lead_unit=UnitRef(code=code, name=f"Đơn vị {code}"),
                    coordinating_units=(UnitRef(code="VP", name="Văn phòng Sở"),),
                    action=f"Thực hiện nhiệm vụ {i + 1} của kế hoạch {n}",
                    deadline=Deadline(kind=DeadlineKind.DATE, date=due, text="trước 30/6/2020"),
                )
                for i, code in enumerate(UNITS[:DUTIES])
            ),
        ),
    )


async def fill_backlog(kafka: KafkaAccess, count: int) -> None:
    producer = AIOKafkaProducer(**client_kwargs(kafka), acks="all", linger_ms=5)
    await producer.start()
    try:
        futures = []
        for n in range(count):
            env = Envelope(event=directive(n), source=publisher_source(DirectiveIssued))
            futures.append(
                await producer.send(
                    TOPIC_DIRECTIVES,
                    value=env.value(),
                    key=env.subject.encode(),
                    headers=kafka_headers(env.headers()),
                )
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def backlog_tasks(kafka: KafkaAccess) -> int:
    """How many tasks the whole topic asks for (other benchmarks may have issued
    directives there too): both sides must do all of it, exactly once."""
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(TOPIC_DIRECTIVES) or set()
        tps = [TopicPartition(TOPIC_DIRECTIVES, p) for p in parts]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        total = 0
        while await behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=1000, max_records=500)).values():
                for r in records:
                    if r.offset < ends[TopicPartition(r.topic, r.partition)] and r.value:
                        total += len(json.loads(r.value)["content"]["assignments"])
        return total
    finally:
        await consumer.stop()


async def empty_tasks_db(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("TRUNCATE tasks, task_history, outbox, inbox, raw_tasks")
    finally:
        await conn.close()


class TimedConsumer(EventConsumer):
    """The service's consumer, noting when its first batch arrived (both sides are
    timed from their first records: joining the consumer group is not the work)."""

    first_batch: float | None = None

    async def handle_batch(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        if self.first_batch is None:
            self.first_batch = time.perf_counter()
        await super().handle_batch(records)


async def run_chidao(url: str, kafka: KafkaAccess, group: str, expected: int) -> float:
    """Tasks per second from the first batch to the last `task.assigned` acknowledged."""
    db = Database(url)
    outbox_table, inbox_table = tasks_metadata.tables["outbox"], tasks_metadata.tables["inbox"]
    clock = Clock()
    outbox = Outbox(outbox_table, "tasks", clock)
    service = TaskService(db, outbox, clock)
    broker = KafkaBroker(
        kafka.servers,
        client_id=group,
        security=faststream_security(kafka),
        allow_auto_create_topics=False,
    )
    holder: list[AIOKafkaProducer] = []
    consumer = TimedConsumer(
        service=group,
        db=db,
        inbox=inbox_table,
        handlers=service.event_handlers(),
        dead_letters=DeadLetters("tasks", lambda: holder[0]),
    )
    consumer.subscribe(broker)
    relay = Relay(db, outbox_table, "tasks", kafka)
    outbox.hand_over(relay.receive)
    # The service is up before its backlog is read: its relay holds the lock and has
    # reconciled (startup is not the work, as joining the consumer group is not).
    relaying = asyncio.create_task(relay.run())
    while not relay.active:
        if relaying.done():
            relaying.result()
        await asyncio.sleep(0.005)
    await broker.start()
    try:
        while relay.published < expected:
            if relaying.done():
                relaying.result()
            await asyncio.sleep(0.005)
        assert consumer.first_batch is not None
        elapsed = time.perf_counter() - consumer.first_batch
    finally:
        relaying.cancel()
        await asyncio.gather(relaying, return_exceptions=True)
        await broker.stop()
        await db.dispose()
    assert relay.published == expected, (relay.published, expected)
    return expected / elapsed


RAW_INSERT = (
    "INSERT INTO raw_tasks (id, directive_id, lead_code, action, deadline) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
)


async def run_raw(url: str, kafka: KafkaAccess, group: str, expected: int) -> float:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    consumer = AIOKafkaConsumer(
        TOPIC_DIRECTIVES,
        **client_kwargs(kafka),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
    )
    producer = AIOKafkaProducer(**client_kwargs(kafka), acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    done, start = 0, 0.0
    try:
        while done < expected:
            batches = await consumer.getmany(timeout_ms=500, max_records=200)
            if batches and not start:
                start = time.perf_counter()
            rows = []
            for records in batches.values():
                for record in records:
                    body = json.loads(record.value or b"{}")
                    for i, duty in enumerate(body["content"]["assignments"]):
                        task_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{body['directive_id']}/{i}")
                        rows.append(
                            (
                                task_id,
                                uuid.UUID(body["directive_id"]),
                                duty["lead_unit"]["code"],
                                duty["action"],
                                json.dumps(duty["deadline"]),
                            )
                        )
            if not rows:
                continue
            async with conn.transaction():
                await conn.executemany(RAW_INSERT, rows)
            sends = [
                await producer.send(
                    TOPIC_TASKS,
                    key=str(row[0]).encode(),
                    value=json.dumps(
                        {"task_id": str(row[0]), "lead": row[2], "action": row[3]}
                    ).encode(),
                    headers=[("ce_type", b"bench.raw.task_assigned")],
                )
                for row in rows
            ]
            await asyncio.gather(*sends)
            await consumer.commit()
            done += len(rows)
        return done / (time.perf_counter() - start)
    finally:
        await producer.stop()
        await consumer.stop()
        await conn.close()


async def create_raw_table(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS raw_tasks (id uuid PRIMARY KEY, directive_id uuid, "
            "lead_code text, action text, deadline jsonb)"
        )
    finally:
        await conn.close()


async def pipeline_alone(
    stack: LocalStack, side: str, group: str, expected: int
) -> dict[str, float]:
    """One side's run, in this (fresh) process: tasks per second."""
    run = {"chidao": run_chidao, "raw": run_raw}[side]
    rate = await run(stack.database_url("tasks"), stack.kafka_access("tasks"), group, expected)
    return {"rate": rate}


async def bench_pipeline(stack: LocalStack, results: Results, directives: int, rounds: int) -> None:
    console.rule("tasks service on a backlog of directives")
    url = stack.database_url("tasks")
    await create_raw_table(url)
    await fill_backlog(stack.kafka_access("directives"), directives)
    expected = await backlog_tasks(stack.kafka_access("tasks"))
    ours, raw = [], []
    for n in range(rounds):
        await empty_tasks_db(url)
        side = await in_own_process(
            "pipeline", side="raw", group=f"tasks-bench-raw-{n}", expected=expected
        )
        raw.append(side["rate"])
        await empty_tasks_db(url)
        side = await in_own_process(
            "pipeline", side="chidao", group=f"tasks-bench-{n}", expected=expected
        )
        ours.append(side["rate"])
        console.print(
            f"  round {n + 1}: chidao {ours[-1]:,.0f} tasks/s, raw {raw[-1]:,.0f} tasks/s"
        )
    chidao_rate, raw_rate = median(ours), median(raw)
    ratio = chidao_rate / raw_rate
    results.figure(
        f"tasks service, backlog of directives ({expected:,} tasks), median",
        f"{chidao_rate:,.0f} tasks/s",
        f"{raw_rate:,.0f} tasks/s",
        f"{ratio:.2f}",
    )
    results.targets.append(
        Target(
            "tasks_pipeline_throughput",
            chidao_rate,
            "tasks/s",
            raw_rate,
            f">= {GOAL_RATIO} x baseline",
            ratio >= GOAL_RATIO,
        )
    )
