"""What the platform survives, measured: each fault mid-stream, then the counts.

Run with `make chaos` to see the counts; `make test` runs them too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable

import httpx

from tests.chaos.conftest import (
    SERVICES,
    ChaosStack,
    Ledger,
    assert_nothing_lost_nothing_doubled,
    issue_directives,
    settle,
)

N = 60  # directives per scenario: 120 tasks, 180 facts


async def _fault_mid_stream(
    chaos: ChaosStack, label: str, fault: Callable[[], object], recover: Callable[[], object]
) -> None:
    ledger = Ledger()
    stream = asyncio.create_task(issue_directives(chaos, N, ledger, label))
    while len(ledger.issued) < N // 4:
        assert not stream.done(), stream
        await asyncio.sleep(0.1)
    await asyncio.to_thread(fault)
    await asyncio.sleep(3)  # the outage lasts a few seconds, the clerk keeps trying
    faulted_at = time.monotonic()
    await asyncio.to_thread(recover)
    await stream
    outcome = await settle(chaos, ledger)
    print("\n" + outcome.line(label, time.monotonic() - faulted_at))
    assert_nothing_lost_nothing_doubled(outcome)
    await chaos.wait_ready([chaos.url(s) for s in SERVICES], timeout=60)


async def test_postgresql_killed_and_restarted_mid_stream(chaos: ChaosStack) -> None:
    """The relays and consumers wait the outage out: nothing stays in an outbox,
    nothing valid is dead-lettered, every service is ready again afterwards."""
    await _fault_mid_stream(chaos, "PostgreSQL SIGKILL", chaos.kill_postgres, chaos.restart_infra)


async def test_broker_killed_and_restarted_mid_stream(chaos: ChaosStack) -> None:
    await _fault_mid_stream(chaos, "Kafka SIGKILL", chaos.kill_kafka, chaos.restart_infra)


async def test_a_service_killed_repeatedly_under_load(chaos: ChaosStack) -> None:
    ledger = Ledger()
    stream = asyncio.create_task(issue_directives(chaos, N, ledger, "tasks SIGKILL x3"))
    kills = 0
    started = time.monotonic()
    while kills < 3:
        await asyncio.sleep(1.5)
        await asyncio.to_thread(chaos.stack.kill, "tasks")
        kills += 1
        await chaos.wait_port_free(chaos.stack.services.ports["tasks"])
        await asyncio.to_thread(chaos.stack.start_service, "tasks")
    await stream
    outcome = await settle(chaos, ledger)
    print("\n" + outcome.line("tasks service SIGKILLed 3 times", time.monotonic() - started))
    assert_nothing_lost_nothing_doubled(outcome)


async def test_two_replicas_share_the_partitions_and_survive_one_killed(chaos: ChaosStack) -> None:
    port = 28102  # the chaos stack's range (tests/chaos/conftest.py: below 32768)
    pid = chaos.spawn_replica("tasks", port)
    replica = f"http://127.0.0.1:{port}"
    await chaos.wait_ready([replica])
    ledger = Ledger()
    await issue_directives(chaos, N // 2, ledger, "two replicas", pause=0.02)
    await settle(chaos, ledger)
    async with httpx.AsyncClient(timeout=10) as http:
        handled = [
            (await http.get(f"{url}/health")).json()["handled"]
            for url in (chaos.url("tasks"), replica)
        ]
    # Both replicas got partitions of chidao.directives.v1 and did part of the work.
    assert all(h > 0 for h in handled), f"handled per replica: {handled}"
    stream = asyncio.create_task(issue_directives(chaos, N // 2, ledger, "replica killed"))
    while len(ledger.issued) < N // 2 + 5:
        await asyncio.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    await stream
    outcome = await settle(chaos, ledger)
    print(
        f"\ntwo tasks replicas, handled {handled[0]} + {handled[1]} events; then one SIGKILLed: "
        + outcome.line("replica killed", time.monotonic() - killed_at)
    )
    assert_nothing_lost_nothing_doubled(outcome)
