"""Reading and writing topics from a test, as an outside consumer would.

Tests act as the stack's administrator (`admin_access`): the one principal the ACLs
let read and write every topic, dead-letter topics included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from chidao.stack import kafka_security
from chidao.stack.stack import LocalStack
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import behind


def admin_access(stack: LocalStack) -> KafkaAccess:
    """The stack's admin (super user) from its state folder; PLAINTEXT on the stack's
    bootstrap when the folder has no credentials (an external broker without auth)."""
    if kafka_security.load_credentials(stack.paths) is None:
        return KafkaAccess(stack.bootstrap_servers)
    return stack.kafka_access(kafka_security.ADMIN)


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]


async def read_topic(
    kafka: KafkaAccess,
    topic: str,
    until: Callable[[list[Record]], bool] = lambda _: True,
    timeout: float = 60.0,
) -> list[Record]:
    """All records of a topic from the beginning, re-read until `until` holds."""
    deadline = time.monotonic() + timeout
    while True:
        records = await _read_once(kafka, topic)
        if until(records):
            return records
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{topic}: condition not met after {timeout:.0f} s ({len(records)} records)"
            )
        await asyncio.sleep(0.5)


async def _read_once(kafka: KafkaAccess, topic: str) -> list[Record]:
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic)
        if not partitions:
            return []
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[Record] = []
        while await behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batch.values():
                for r in records:
                    out.append(
                        Record(
                            r.topic,
                            r.partition,
                            r.offset,
                            r.key,
                            r.value,
                            {
                                k: (v or b"").decode(errors="backslashreplace")
                                for k, v in (r.headers or ())
                            },
                        )
                    )
        return out
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    for _ in range(20):
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            return set(partitions)
        await consumer._client.force_metadata_update()
        await asyncio.sleep(0.25)
    return set()


async def produce(
    kafka: KafkaAccess, topic: str, value: bytes, key: bytes, headers: dict[str, str]
) -> None:
    producer = AIOKafkaProducer(**client_kwargs(kafka))
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value=value, key=key, headers=[(k, v.encode()) for k, v in headers.items()]
        )
    finally:
        await producer.stop()


def _text_headers(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    # Poison may carry bytes that are not UTF-8: shown escaped, never a failed read.
    return {k: (v or b"").decode(errors="backslashreplace") for k, v in (headers or ())}
