"""Reading and writing topics from a test, as an outside consumer would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.messaging.kafka_reads import behind


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]


async def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[Record]], bool] = lambda _: True,
    timeout: float = 60.0,
) -> list[Record]:
    """All records of a topic from the beginning, re-read until `until` holds."""
    deadline = time.monotonic() + timeout
    while True:
        records = await _read_once(bootstrap, topic)
        if until(records):
            return records
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{topic}: condition not met after {timeout:.0f} s ({len(records)} records)"
            )
        await asyncio.sleep(0.5)


async def _read_once(bootstrap: str, topic: str) -> list[Record]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
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
    bootstrap: str, topic: str, value: bytes, key: bytes, headers: dict[str, str]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
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
