"""The relay's partitioner must put every key where Kafka's own clients put it."""

from __future__ import annotations

import random
import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from shared.messaging.partitioner import KeyPartitioner, murmur2

PARTITIONS = list(range(1000))


@pytest.mark.parametrize(
    ("key", "partition"),
    # The Java client's partitions for these keys over 1,000 partitions (the
    # compatibility vectors of kafka-python's partitioner tests).
    [(b"", 681), (b"a", 524), (b"ab", 434), (b"abc", 107), (b"123456789", 566), (b"\x00 ", 742)],
)
def test_keys_go_where_the_java_client_puts_them(key: bytes, partition: int) -> None:
    assert KeyPartitioner()(key, PARTITIONS, PARTITIONS) == partition


def test_murmur2_equals_aiokafkas_on_every_length() -> None:
    rng = random.Random(7)
    for length in range(0, 130):
        for _ in range(25):
            data = rng.randbytes(length)
            assert murmur2(data) == aiokafka_murmur2(data), data


def test_same_partition_as_aiokafkas_default_for_aggregate_keys() -> None:
    ours, theirs = KeyPartitioner(), DefaultPartitioner()
    for count in (1, 3, 6, 12):
        partitions = list(range(count))
        for _ in range(300):
            key = str(uuid.uuid4()).encode()
            assert ours(key, partitions, partitions) == theirs(key, partitions, partitions)


def test_a_record_without_key_goes_to_an_available_partition() -> None:
    assert KeyPartitioner()(None, [0, 1, 2], [2]) == 2
