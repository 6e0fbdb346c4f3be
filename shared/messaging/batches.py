"""Records sent to Kafka a partition batch at a time, each with its own outcome.

Design note: `AIOKafkaProducer.send` is a coroutine per record: it waits on metadata,
lists the topic's partitions, estimates the size and queues the record, a Python-level
cost per record that was the relay's largest after its own loop (issue 10). The relay
already holds a whole batch of rows, so it fills aiokafka's `BatchBuilder` per
partition itself (with the same partitioner, so every key keeps its partition) and
submits each with `send_batch`: one future per partition batch, not per record.
Order holds: a partition's records go in the order given, its batches are submitted in
that order, and the idempotent producer keeps them so. Each record still gets its own
outcome: a record too large is refused alone before sending (as `send` refuses it),
and a record that could not be added to a non-empty batch opens the next batch, so a
record over the batch size travels alone and a broker refusing it fails nothing else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from shared.messaging.partitioner import KeyPartitioner

# aiokafka's default `max_request_size`: what `send` would refuse on the client side.
MAX_RECORD_BYTES = 1_048_576

_partitioner = KeyPartitioner()


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


async def send_all(
    producer: AIOKafkaProducer, records: Sequence[Outgoing]
) -> list[BaseException | None]:
    """Send `records`, in order per partition; one outcome per record once Kafka has
    answered: None when acknowledged, else why not."""
    outcomes: list[BaseException | None] = [None] * len(records)
    partitions: dict[str, list[int]] = {}
    # Per partition: the batch being filled and the indexes of its records.
    filling: dict[tuple[str, int], tuple[Any, list[int]]] = {}
    submitted: list[tuple[asyncio.Future[Any], list[int]]] = []

    async def submit(where: tuple[str, int]) -> None:
        builder, members = filling.pop(where)
        if not members:
            return
        try:
            future = await producer.send_batch(builder, where[0], partition=where[1])
        except Exception as exc:
            for i in members:
                outcomes[i] = exc
            return
        submitted.append((future, members))

    def add(where: tuple[str, int], i: int, record: Outgoing) -> bool:
        entry = filling.get(where)
        if entry is None:
            entry = filling[where] = (producer.create_batch(), [])
        builder, members = entry
        if (
            builder.append(
                key=record.key, value=record.value, timestamp=None, headers=record.headers
            )
            is None
        ):
            return False
        members.append(i)
        return True

    for i, record in enumerate(records):
        size = DefaultRecordBatchBuilder.estimate_size_in_bytes(
            record.key, record.value, record.headers
        )
        if size > MAX_RECORD_BYTES:
            outcomes[i] = MessageSizeTooLargeError(
                f"The message is {size} bytes when serialized, over {MAX_RECORD_BYTES}"
            )
            continue
        known = partitions.get(record.topic)
        if known is None:
            known = partitions[record.topic] = sorted(await producer.partitions_for(record.topic))
        where = (record.topic, _partitioner(record.key, known, known))
        if not add(where, i, record):
            # Full: send what it holds, and start the next batch with this record.
            await submit(where)
            if not add(where, i, record):
                outcomes[i] = MessageSizeTooLargeError("the message does not fit in a batch")
    for where in list(filling):
        await submit(where)
    answers = await asyncio.gather(*(f for f, _ in submitted), return_exceptions=True)
    for (_, members), answer in zip(submitted, answers, strict=True):
        if isinstance(answer, BaseException):
            for i in members:
                outcomes[i] = answer
    return outcomes
