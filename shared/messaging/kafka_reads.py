"""Reading partitions to a known end: what the relay, the dead-letter tools, the
reporting replay and the tests do to see "everything up to now" on a topic."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.messaging.kafka_client import KafkaAccess, client_kwargs


async def tail_event_ids(kafka: KafkaAccess, topics: set[str], per_partition: int) -> set[str]:
    """The `ce_id` headers of the last `per_partition` records of each partition
    (an assigned consumer, no group: its principal needs READ on the topics only)."""
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or ()
        ]
        if not tps:
            return set()
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(0, ends[tp] - per_partition))
        seen: set[str] = set()
        while await behind(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    for key, value in record.headers or ():
                        if key == "ce_id":
                            seen.add(value.decode())
        return seen
    finally:
        await consumer.stop()


async def behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    """True while the consumer has not reached `ends` on some partition."""
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False
