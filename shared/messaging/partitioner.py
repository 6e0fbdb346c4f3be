"""Which partition a keyed record goes to: Kafka's own rule (murmur2 of the key), fast.

Design note: every producer of a topic must map a key to the same partition, or one
aggregate's events land on two partitions and lose their order. Kafka's Java client
(and aiokafka's `DefaultPartitioner`) use murmur2 of the key bytes; this is the same
function, so records keep their partitions whoever produced them (the relay, a
redrive, another agency's Java client). aiokafka computes it in pure Python byte by
byte, a tenth of the relay's CPU in the tasks pipeline's profile (issue 10); here the
key is read four bytes at a time by `struct`. `tests/unit/test_partitioner.py` checks
it against aiokafka's on random keys of every length.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Sequence

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as an unsigned int."""
    length = len(data)
    h = (_SEED ^ length) & _MASK
    whole = length & ~3
    for k in struct.unpack(f"<{whole >> 2}I", data[:whole]):
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ (((k ^ (k >> 24)) * _M) & _MASK)
    extra = length & 3
    if extra:
        if extra >= 3:
            h ^= data[whole + 2] << 16
        if extra >= 2:
            h ^= data[whole + 1] << 8
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


class KeyPartitioner:
    """A drop-in for aiokafka's `DefaultPartitioner` (same partitions for the same key)."""

    def __call__(
        self, key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]
    ) -> int:
        if key is None:
            return random.choice(available or all_partitions)
        return all_partitions[(murmur2(key) & 0x7FFFFFFF) % len(all_partitions)]
