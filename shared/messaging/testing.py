"""Support for tests and benchmarks of consumers: an envelope as the record Kafka
would deliver, so the consumer's own code runs on it unchanged."""

from __future__ import annotations

from aiokafka import ConsumerRecord

from shared.contracts.envelope import Envelope, kafka_headers


def as_record(envelope: Envelope, offset: int, partition: int = 0) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=envelope.event.topic,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=envelope.subject.encode(),
        value=envelope.value(),
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=tuple(kafka_headers(envelope.headers())),
    )
