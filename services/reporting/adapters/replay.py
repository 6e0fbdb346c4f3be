"""Replaying the public topics into the read model, for `chidao report rebuild`.

Design note: the live consumer keeps running during a rebuild. The rebuild first
empties the read model, then reads every public topic from the beginning up to the
end offsets taken *after* emptying it; facts are keyed by event id, so an event stored
by both the live consumer and the replay is stored once, and nothing consumed while
the tables were emptied is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts.envelope import (
    Envelope,
    PoisonMessage,
    UnknownEventType,
    check_provenance,
    decode_headers,
    read_envelope,
)
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import behind

log = logging.getLogger(__name__)

Sink = Callable[[list[Envelope]], Awaitable[None]]


async def replay(
    kafka: KafkaAccess,
    topics: Sequence[str],
    sink: Sink,
    batch: int = 1000,
) -> int:
    """Feed every readable event of `topics`, in batches, to `sink`; return how many.

    An assigned consumer with no group: the service's principal reads the topics, and
    commits nothing."""
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        if not tps:
            return 0
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        total, rows = 0, list[Envelope]()
        # One batch is stored while the next is read and parsed: the database works on
        # its own core meanwhile. Batches are still stored one after the other, in order.
        storing: asyncio.Future[None] | None = None
        try:
            while await behind(consumer, ends):
                fetched = await consumer.getmany(timeout_ms=1000, max_records=batch)
                for records in fetched.values():
                    for r in records:
                        if r.offset >= ends[TopicPartition(r.topic, r.partition)]:
                            continue
                        try:
                            envelope = read_envelope(
                                decode_headers(r.headers or ()),
                                r.value,
                                r.topic,
                                r.partition,
                                r.offset,
                            )
                            check_provenance(envelope, r.topic)
                        except (PoisonMessage, UnknownEventType):
                            continue  # already dead-lettered by the live consumer
                        rows.append(envelope)
                if len(rows) >= batch:
                    if storing is not None:
                        await storing
                    storing = asyncio.ensure_future(sink(rows))
                    total, rows = total + len(rows), []
            if storing is not None:
                await storing
            if rows:
                await sink(rows)
                total += len(rows)
        finally:
            if storing is not None and not storing.done():
                storing.cancel()
                await asyncio.gather(storing, return_exceptions=True)
        return total
    finally:
        await consumer.stop()
