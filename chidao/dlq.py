"""Dead-letter topics: list what failed and why, and redrive it.

Redriving sends each dead letter back to the public topic its event type belongs to
(never anywhere else, whatever its headers say) with its original key, value and
headers (the `dlq_*` headers removed), then commits the DLQ offset, so a message is
redriven once; a letter of no known type is kept. Consumers drop duplicates through
their inbox.

On the secured broker only the stack's administrator may read a dead-letter topic
(no service or agency principal can): the CLI takes the admin credentials from the
state folder, or the KAFKA_* variables (`chidao.agencies.operator_access`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.contracts.events import EVENTS_BY_TYPE, dlq_topic
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import behind
from shared.messaging.partitioner import KeyPartitioner

log = logging.getLogger(__name__)


@dataclass
class DeadLetter:
    partition: int
    offset: int
    headers: dict[str, str]
    key: bytes | None
    value: bytes | None
    raw_headers: list[tuple[str, bytes]]

    @property
    def error(self) -> str:
        return self.headers.get("dlq_error", "")

    @property
    def source(self) -> str:
        h = self.headers
        topic, partition = h.get("dlq_source_topic"), h.get("dlq_source_partition")
        return f"{topic}[{partition}]@{h.get('dlq_source_offset')}"


def _consumer(kafka: KafkaAccess, service: str, group: str | None) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        dlq_topic(service),
        **client_kwargs(kafka),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )


async def read_all(kafka: KafkaAccess, service: str, group: str | None = None) -> list[DeadLetter]:
    """Everything in the service's DLQ (or, with a group, what that group has not
    committed yet)."""
    consumer = _consumer(kafka, service, group)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(dlq_topic(service)) or set()
        tps = [TopicPartition(dlq_topic(service), p) for p in partitions]
        if not tps:
            return []
        ends = await consumer.end_offsets(tps)
        letters: list[DeadLetter] = []
        while await behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for r in records:
                    raw = list(r.headers or ())
                    letters.append(
                        DeadLetter(
                            partition=r.partition,
                            offset=r.offset,
                            headers={k: v.decode(errors="replace") for k, v in raw},
                            key=r.key,
                            value=r.value,
                            raw_headers=raw,
                        )
                    )
        return letters
    finally:
        await consumer.stop()


async def redrive(kafka: KafkaAccess, service: str) -> int:
    group = f"chidao-dlq-redrive-{service}"
    letters = await read_all(kafka, service, group)
    if not letters:
        return 0
    producer = AIOKafkaProducer(
        **client_kwargs(kafka), enable_idempotence=True, acks="all", partitioner=KeyPartitioner()
    )
    await producer.start()
    sent = 0
    try:
        for letter in letters:
            # Back only to the public topic its type belongs to, whatever the headers
            # say it came from: a redrive never writes a topic the type does not own.
            event_type = EVENTS_BY_TYPE.get(letter.headers.get("ce_type", ""))
            if event_type is None:
                log.warning("dead letter at offset %d has no known type: kept", letter.offset)
                continue
            headers = [(k, v) for k, v in letter.raw_headers if not k.startswith("dlq_")]
            await producer.send_and_wait(
                event_type.topic, value=letter.value, key=letter.key, headers=headers
            )
            sent += 1
    finally:
        await producer.stop()
    consumer = _consumer(kafka, service, group)
    await consumer.start()
    try:
        last: dict[TopicPartition, int] = {}
        for letter in letters:
            last[TopicPartition(dlq_topic(service), letter.partition)] = letter.offset + 1
        await consumer.commit(last)
    finally:
        await consumer.stop()
    return sent
