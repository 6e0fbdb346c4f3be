"""`chidao report rebuild` against a raw replay of the same topics in the same run.

A corpus of public events (task events mostly, and directives with their duties) is
produced first, each by its owning service's principal. chidao: the reporting
service's `rebuild` (empty the read model, replay every public topic through the
envelope check, store each fact with its keys). Raw baseline: an aiokafka consumer reads
the same partitions to the same end offsets, parses each value as JSON and COPYs it
into a table, in batches, one transaction each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from bench.child import in_own_process
from bench.harness import Results, Target, console, median, rss_mb
from bench.pipeline import directive
from bench.reports import reporting_service
from chidao.stack.stack import LocalStack
from shared.clock import VN_TZ, Clock
from shared.contracts.envelope import Envelope, kafka_headers, publisher_source
from shared.contracts.events import PUBLIC_TOPICS, Event, TaskProgressReported
from shared.contracts.values import UnitRef
from shared.db import Database, asyncpg_dsn
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import behind

AGENCY = "bench-rebuild"
GOAL_RATIO = 0.5
MEMORY_GOAL_MB = 300  # the reporting service's, throughout (issue 10)


def progress(n: int) -> TaskProgressReported:
    return TaskProgressReported(
        agency=AGENCY,
        task_id=uuid.UUID(int=n + 1),
        directive_id=uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{n // 50}"),
        lead_unit=UnitRef(code="VP", name="Văn phòng Sở"),
        at=dt.datetime(2020, 1 + n % 12, 1 + n % 28, 9, tzinfo=VN_TZ),
        percent=n % 100,
        note="Đã hoàn thành dự thảo, đang lấy ý kiến các phòng",
    )


async def produce(stack: LocalStack, count: int) -> None:
    """`count` events: one directive (8 duties) for every 49 progress reports."""
    producers: dict[str, AIOKafkaProducer] = {}
    for service in ("directives", "tasks"):
        producer = AIOKafkaProducer(
            **client_kwargs(stack.kafka_access(service)), acks="all", linger_ms=20
        )
        await producer.start()
        producers[service] = producer
    try:
        futures = []
        for n in range(count):
            event: Event = directive(100_000 + n) if n % 50 == 0 else progress(n)
            event = event.model_copy(update={"agency": AGENCY})
            env = Envelope(event=event, source=publisher_source(type(event)))
            owner = env.source.removeprefix("chidao/")
            futures.append(
                await producers[owner].send(
                    event.topic,
                    value=env.value(),
                    key=env.subject.encode(),
                    headers=kafka_headers(env.headers()),
                )
            )
            if len(futures) >= 5000:
                await asyncio.gather(*futures)
                futures = []
        await asyncio.gather(*futures)
    finally:
        for producer in producers.values():
            await producer.stop()


async def raw_replay(kafka: KafkaAccess, url: str) -> tuple[int, float]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS raw_facts (event_id text, ce_type text, payload jsonb)"
    )
    await conn.execute("TRUNCATE raw_facts")
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        start = time.perf_counter()
        await consumer._client.force_metadata_update()
        tps = [
            TopicPartition(t, p)
            for t in PUBLIC_TOPICS
            for p in consumer.partitions_for_topic(t) or ()
        ]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        total = 0
        while await behind(consumer, ends):
            rows = []
            for records in (await consumer.getmany(timeout_ms=1000, max_records=1000)).values():
                for r in records:
                    if r.value is None:
                        continue
                    body = json.loads(r.value)
                    headers = {k: v.decode() for k, v in r.headers or ()}
                    rows.append(
                        (headers.get("ce_id", ""), headers.get("ce_type", ""), json.dumps(body))
                    )
            if rows:
                async with conn.transaction():
                    await conn.copy_records_to_table("raw_facts", records=rows)
                total += len(rows)
        return total, time.perf_counter() - start
    finally:
        await consumer.stop()
        await conn.close()


async def rebuild_alone(stack: LocalStack, side: str) -> dict[str, float]:
    """One side's replay in this (fresh) process. chidao: `chidao report rebuild` as
    the reporting service runs it: the events it replayed, in how long, and the
    process's peak memory. Raw: the records it copied, in how long."""
    url = stack.database_url("reporting")
    if side == "raw":
        count, seconds = await raw_replay(stack.kafka_access("reporting"), url)
        return {"records": count, "seconds": seconds}
    db = Database(url)
    svc = reporting_service(stack, db, Clock())
    try:
        start = time.perf_counter()
        rebuilt = await svc.rebuild()
        seconds = time.perf_counter() - start
    finally:
        await db.dispose()
    return {"replayed": rebuilt["replayed"], "seconds": seconds, "peak_mb": rss_mb()[1]}


async def bench_rebuild(stack: LocalStack, results: Results, events: int, rounds: int) -> None:
    console.rule("chidao report rebuild against a raw replay")
    await produce(stack, events)
    ours, raw, peaks = [], [], []
    for n in range(rounds):
        copied = await in_own_process("rebuild", side="raw")
        count = int(copied["records"])
        raw.append(count / copied["seconds"])
        rebuilt = await in_own_process("rebuild", side="chidao")
        # Per record on the topics, as for the raw side: both read every one. (After
        # the pipeline bench, the topics also hold its raw baseline's records, which
        # are no chidao events: the rebuild reads and rejects them.)
        ours.append(count / rebuilt["seconds"])
        peaks.append(rebuilt["peak_mb"])
        console.print(
            f"  round {n + 1}: chidao {ours[-1]:,.0f} records/s "
            f"({rebuilt['replayed']:,} events of {count:,} records), "
            f"raw {raw[-1]:,.0f} records/s"
        )
    chidao_rate, raw_rate = median(ours), median(raw)
    results.figure(
        f"report rebuild, {count:,} records on the topics, median",
        f"{chidao_rate:,.0f} records/s",
        f"{raw_rate:,.0f} records/s (parse + COPY)",
        f"{chidao_rate / raw_rate:.2f}",
    )
    peak = max(peaks)
    results.figure("memory of the reporting process during the rebuild (peak)", f"{peak:.0f} MB")
    results.targets.append(
        Target(
            "report_rebuild_memory",
            peak,
            "MB",
            None,
            "<= 300 MB",
            peak <= MEMORY_GOAL_MB,
        )
    )
    results.targets.append(
        Target(
            "report_rebuild_throughput",
            chidao_rate,
            "records/s",
            raw_rate,
            f">= {GOAL_RATIO} x baseline",
            chidao_rate / raw_rate >= GOAL_RATIO,
        )
    )
