"""A three-node Kafka cluster (`chidao up --brokers 3`) loses nothing when a broker dies.

A stack of its own (state in `.state/chaos-cluster`, Kafka 31092/31094/31096 with
controllers on 31093/31095/31097, PostgreSQL 27432, services 30001..30004): every node a
broker and a KRaft voter, topics replicated 3 times with `min.insync.replicas=2`. The
clerk issues directives through the API while node 2 is SIGKILLed, keeps issuing on the
two survivors, then the node comes back; the counts are the same as in test_faults.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError

from chidao.stack import kafka
from shared.contracts.events import TOPIC_DIRECTIVES
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from tests.chaos.conftest import (
    SERVICES,
    ChaosStack,
    Ledger,
    assert_nothing_lost_nothing_doubled,
    fresh_stack,
    issue_directives,
    settle,
)

N = 60  # directives: 120 tasks, 180 facts
BROKERS = 3
KILLED = 2  # not node 1: the first bootstrap address must not be the one that helps


@pytest.fixture(scope="module")
def cluster() -> Iterator[ChaosStack]:
    stack = fresh_stack("chaos-cluster", 31, BROKERS)
    try:
        yield ChaosStack(stack)
    finally:
        stack.down()


async def _describe(kafka: KafkaAccess, topic: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The topic's partitions (leader, replicas, isr) and its own configuration."""
    admin = AIOKafkaAdminClient(**client_kwargs(kafka))
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    assert described["error_code"] == 0, described
    # Each resource: (error, message, type, name, entries); each entry: (name, value, ...).
    configs = {
        entry[0]: entry[1]
        for response in responses
        for resource in response.resources
        for entry in resource[4]
    }
    return list(described["partitions"]), configs


async def _wait_isr(
    kafka: KafkaAccess, done: Callable[[list[int]], bool], timeout: float = 90
) -> float:
    """Seconds until ``done`` holds for the ISR of every partition of the directives topic."""
    started = time.monotonic()
    while True:
        try:
            partitions, _ = await _describe(kafka, TOPIC_DIRECTIVES)
        except KafkaError:  # the admin client asked the dead node: ask again
            partitions = []
        if partitions and all(done(list(p["isr"])) for p in partitions):
            return time.monotonic() - started
        assert time.monotonic() - started < timeout, f"ISR not as expected: {partitions}"
        await asyncio.sleep(0.5)


async def test_the_cluster_replicates_every_partition_three_times(cluster: ChaosStack) -> None:
    assert cluster.bootstrap == "127.0.0.1:31092,127.0.0.1:31094,127.0.0.1:31096"
    partitions, configs = await _describe(cluster.kafka, TOPIC_DIRECTIVES)
    assert len(partitions) == 6
    for partition in partitions:
        assert sorted(partition["replicas"]) == [1, 2, 3], partition
    assert configs["min.insync.replicas"] == "2"
    healthy = {row.name: row.healthy for row in cluster.stack.status()}
    assert [healthy[f"kafka-{n}"] for n in range(1, BROKERS + 1)] == [True] * BROKERS


async def test_a_broker_killed_mid_stream_loses_nothing(cluster: ChaosStack) -> None:
    label = f"Kafka node {KILLED} of {BROKERS} SIGKILL"
    paths = cluster.stack.paths
    ledger = Ledger()
    stream = asyncio.create_task(issue_directives(cluster, N, ledger, label))
    while len(ledger.issued) < N // 4:
        assert not stream.done(), stream
        await asyncio.sleep(0.1)
    await asyncio.to_thread(cluster.stack.kill_kafka_node, KILLED)
    killed_at = time.monotonic()
    # The cluster notices (broker session timeout) and drops the node from every ISR:
    # from then on the two survivors lead, replicate and acknowledge everything.
    fenced = await _wait_isr(cluster.kafka, lambda isr: KILLED not in isr and len(isr) == 2)
    # The clerk keeps going: at least half the directives, and every one issued so far
    # has come out everywhere (tasks, topics, read model) on two brokers.
    while len(ledger.issued) < N // 2:
        assert not stream.done(), stream
        await asyncio.sleep(0.1)
    so_far = Ledger(issued=set(ledger.issued))
    partial = await settle(cluster, so_far)
    assert kafka.running_pid(paths, KILLED) is None, "the node came back by itself?"
    down_for = time.monotonic() - killed_at
    print(
        f"\nnode {KILLED} out of every ISR {fenced:.1f} s after SIGKILL; with it down "
        + partial.line(f"{label}, two brokers left", down_for)
    )
    assert_nothing_lost_nothing_doubled(partial)

    assert await asyncio.to_thread(cluster.stack.start_infra) == ["kafka"]  # only the node
    restarted_at = time.monotonic()
    await stream
    outcome = await settle(cluster, ledger)
    print("\n" + outcome.line(label, time.monotonic() - killed_at))
    assert_nothing_lost_nothing_doubled(outcome)
    await _wait_isr(cluster.kafka, lambda isr: len(isr) == BROKERS)
    print(f"node {KILLED} back in every ISR {time.monotonic() - restarted_at:.1f} s after restart")
    await cluster.wait_ready([cluster.url(s) for s in SERVICES], timeout=60)
