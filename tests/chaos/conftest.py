"""Fault injection on the real stack: what goes in must come out, once.

A stack of its own (state in `.state/chaos`, ports 29092/25432/2800x), so killing its
PostgreSQL or its broker touches nothing else. Each scenario drives a workload through
the public API or onto the topics, injects its fault mid-stream, then counts what came
out on every side (rows behind the APIs, events on the topics by distinct id, facts in
the reporting read model, dead letters) and fails on any loss or doubled effect. The
counts are printed (`make chaos` shows them) for the README's operations section.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from chidao.people import People, people_of
from chidao.stack import kafka, postgres, procs
from chidao.stack.stack import LocalStack
from shared.contracts.events import TOPIC_DIRECTIVES, TOPIC_TASKS, dlq_topic
from shared.db import asyncpg_dsn
from shared.messaging.kafka_client import KafkaAccess
from shared.settings import REPO_ROOT
from tests.integration.helpers import assignment, content, get_all
from tests.integration.kafka_tools import Record, admin_access, read_topic

SERVICES = ("directives", "tasks", "inspections", "reporting")
AGENCY = "sxd-thanhhoa"
# Two duties per directive, each with one lead unit: two tasks per directive.
UNITS = (("VP", "Văn phòng Sở"), ("KHTC", "Phòng Kế hoạch - Tài chính"))


@dataclass
class ChaosStack:
    stack: LocalStack

    @functools.cached_property
    def people(self) -> People:
        """The clerk drafts, the leader issues and reads the tasks: signed in."""
        return people_of(self.stack.oidc_issuer, AGENCY)

    @property
    def bootstrap(self) -> str:
        return self.stack.bootstrap_servers

    @property
    def kafka(self) -> KafkaAccess:
        """The stack's admin: what the tests read and write the topics as."""
        return admin_access(self.stack)

    def url(self, service: str) -> str:
        return self.stack.services.url(service)

    def kill_postgres(self) -> None:
        pid = postgres.running_pid(self.stack.paths)
        assert pid is not None, "PostgreSQL is not running"
        os.kill(pid, signal.SIGKILL)
        procs.wait_until(lambda: not procs.is_alive(pid), 10.0, 0.05)

    def kill_kafka(self) -> None:
        pid = kafka.running_pid(self.stack.paths)
        assert pid is not None, "Kafka is not running"
        os.kill(pid, signal.SIGKILL)
        procs.wait_until(lambda: not procs.is_alive(pid), 10.0, 0.05)

    def restart_infra(self) -> list[str]:
        return self.stack.start_infra()

    def spawn_replica(self, service: str, port: int) -> int:
        """A second process of `service` on its own port, same database and group."""
        env = self.stack.services.env(service)
        env[f"{service.upper()}_PORT"] = str(port)
        name = f"{service}-replica-{port}"
        return procs.spawn_detached(
            [self.stack.services.python, "-m", f"services.{service}"],
            log=self.stack.paths.log(name),
            pid_file=self.stack.paths.pid_file(name),
            env=env,
            cwd=REPO_ROOT,
        )

    async def wait_port_free(self, port: int, timeout: float = 30) -> None:
        """A SIGKILLed process's listening socket can outlive it for a moment."""
        deadline = time.monotonic() + timeout
        while procs.port_in_use(port):
            assert time.monotonic() < deadline, f"port {port} still in use after {timeout}s"
            await asyncio.sleep(0.2)

    async def wait_ready(self, urls: list[str], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=5) as http:
            for url in urls:
                while True:
                    try:
                        if (await http.get(f"{url}/health")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    assert time.monotonic() < deadline, f"{url} not ready after {timeout}s"
                    await asyncio.sleep(0.5)

    async def facts(self, event_ids: set[str]) -> int:
        conn = await asyncpg.connect(asyncpg_dsn(self.stack.database_url("reporting")))
        try:
            rows = await conn.fetch(
                "SELECT event_id FROM facts WHERE event_id = ANY($1)", list(event_ids)
            )
        finally:
            await conn.close()
        return len(rows)


def fresh_stack(name: str, base: int, brokers: int = 1) -> LocalStack:
    """A stack of its own, emptied and started: state `.state/<name>`, Kafka on
    `<base>092`, PostgreSQL `<base-4>432`, Keycloak and the services `<base-1>080`/`0xx`
    (e.g. base 29 → 29092, 25432, 28080, 28001-28004; below 32768, outside the
    range Linux hands out to outgoing connections, so no probe can be holding one)."""
    state = REPO_ROOT / ".state" / name
    stack = LocalStack(
        state_dir=state,
        kafka_port=base * 1000 + 92,
        kafka_controller_port=base * 1000 + 93,
        postgres_port=(base - 4) * 1000 + 432,
        keycloak_port=(base - 1) * 1000 + 80,
        service_ports={s: (base - 1) * 1000 + 1 + i for i, s in enumerate(SERVICES)},
        extra_env={
            "CHIDAO_CLOCK_CONTROL": "true",
            "CHIDAO_RETRY_BACKOFF_S": "0.05",
            "TASKS_OVERDUE_SCAN_SECONDS": "5",
            "REPORTING_REMINDER_SCAN_SECONDS": "5",
        },
        kafka_libs=REPO_ROOT / ".state" / "kafka" / "libs",
        kafka_brokers=brokers,
    )
    stack.down()
    stack.reset()
    shutil.rmtree(state / "clock", ignore_errors=True)
    stack.up(SERVICES)
    return stack


@pytest.fixture(scope="package")
def chaos() -> Iterator[ChaosStack]:
    stack = fresh_stack("chaos", 29)
    state = stack.state_dir
    try:
        yield ChaosStack(stack)
    finally:
        for pid_file in (state / "run").glob("*-replica-*.pid"):
            pid = procs.read_pid(pid_file)
            if pid and procs.is_alive(pid):
                procs.stop_pid(pid)
            procs.remove_pid(pid_file)
        stack.down()


# --- the workload: a clerk issuing directives through outages ------------------------


RETRYABLE = (httpx.TransportError,)


async def call(http: httpx.AsyncClient, method: str, url: str, **kw: Any) -> httpx.Response:
    """A call as a patient client makes it: connection errors and 503 are retried."""
    delay = 0.2
    deadline = time.monotonic() + 180
    while True:
        try:
            response = await http.request(method, url, **kw)
            if response.status_code < 500:
                return response
        except RETRYABLE:
            pass
        assert time.monotonic() < deadline, f"{method} {url}: no answer for 180 s"
        await asyncio.sleep(delay)
        delay = min(delay * 2, 3.0)


@dataclass
class Ledger:
    """What went in, to compare with what came out."""

    issued: set[str] = field(default_factory=set)  # directive ids confirmed issued
    refused: int = 0


async def issue_directives(
    chaos: ChaosStack, n: int, ledger: Ledger, label: str, pause: float = 0.05
) -> None:
    url = chaos.url("directives")
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(n):
            duties = [
                assignment(code, name, f"{label} {i}: việc của {code}", {"kind": "none"})
                for code, name in UNITS
            ]
            body = {"agency": AGENCY, "content": content(f"{label} số {i} {uuid.uuid4()}", *duties)}
            clerk, leader = chaos.people.headers("clerk"), chaos.people.headers("leader")
            draft = await call(http, "POST", f"{url}/v1/directives", json=body, headers=clerk)
            assert draft.status_code == 201, draft.text
            directive_id = draft.json()["id"]
            issued = await call(
                http, "POST", f"{url}/v1/directives/{directive_id}/issue", headers=leader
            )
            # 409 after a retry: the first attempt committed before the connection broke.
            assert issued.status_code in (200, 409), issued.text
            ledger.issued.add(directive_id)
            await asyncio.sleep(pause)


# --- what came out -------------------------------------------------------------------


@dataclass
class Outcome:
    directives: int
    tasks: int
    tasks_per_directive_ok: bool
    assigned_records: int
    assigned_ids: int
    assigned_tasks: int
    issued_records: int
    facts: int
    dead_letters: int

    def line(self, label: str, seconds: float) -> str:
        return (
            f"{label}: in {self.directives} directives -> out {self.tasks} tasks; "
            f"chidao.directives.v1 {self.issued_records} records; "
            f"chidao.tasks.v1 {self.assigned_records} task.assigned records, "
            f"{self.assigned_ids} distinct ids, {self.assigned_tasks} distinct tasks; "
            f"reporting facts {self.facts}; dead letters {self.dead_letters}; "
            f"caught up {seconds:.1f} s after the fault"
        )


async def tasks_of(chaos: ChaosStack, http: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every task of the department, as its leader sees them."""
    return await get_all(
        http, f"{chaos.url('tasks')}/v1/tasks", {}, headers=chaos.people.headers("leader")
    )


async def settle(chaos: ChaosStack, ledger: Ledger, timeout: float = 180) -> Outcome:
    """Wait until every issued directive has its tasks everywhere, then count."""
    expected = len(ledger.issued) * len(UNITS)
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=30) as http:
        while True:
            tasks = await tasks_of(chaos, http)
            ours = [t for t in tasks if t["directive_id"] in ledger.issued]
            if len(ours) >= expected:
                break
            assert time.monotonic() < deadline, f"{len(ours)} of {expected} tasks after {timeout}s"
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # anything doubled would show up now
        tasks = await tasks_of(chaos, http)
        ours = [t for t in tasks if t["directive_id"] in ledger.issued]

    def assigned(records: list[Record]) -> list[Record]:
        return [
            r
            for r in records
            if r.headers.get("ce_type") == "chidao.task.assigned.v1"
            and r.headers.get("ce_subject") in {t["id"] for t in ours}
        ]

    on_topic = assigned(
        await read_topic(chaos.kafka, TOPIC_TASKS, lambda rs: len(assigned(rs)) >= expected)
    )
    issued_records = [
        r
        for r in await read_topic(chaos.kafka, TOPIC_DIRECTIVES, lambda rs: True)
        if r.headers.get("ce_subject") in ledger.issued
        and r.headers.get("ce_type") == "chidao.directive.issued.v1"
    ]
    event_ids = {r.headers["ce_id"] for r in on_topic} | {
        r.headers["ce_id"] for r in issued_records
    }
    dead = 0
    for service in ("tasks", "reporting", "inspections"):
        letters = await read_topic(chaos.kafka, dlq_topic(service), lambda rs: True)
        dead += sum(r.headers.get("ce_id") in event_ids for r in letters)
    per_directive: dict[str, int] = {}
    for t in ours:
        per_directive[t["directive_id"]] = per_directive.get(t["directive_id"], 0) + 1
    return Outcome(
        directives=len(ledger.issued),
        tasks=len(ours),
        tasks_per_directive_ok=all(v == len(UNITS) for v in per_directive.values()),
        assigned_records=len(on_topic),
        assigned_ids=len({r.headers["ce_id"] for r in on_topic}),
        assigned_tasks=len({r.headers["ce_subject"] for r in on_topic}),
        issued_records=len(issued_records),
        facts=await chaos.facts(event_ids),
        dead_letters=dead,
    )


def assert_nothing_lost_nothing_doubled(outcome: Outcome) -> None:
    expected = outcome.directives * len(UNITS)
    assert outcome.tasks == expected, "tasks lost or doubled"
    assert outcome.tasks_per_directive_ok, "a directive has the wrong number of tasks"
    assert outcome.assigned_tasks == expected, "a task was never announced"
    assert outcome.assigned_ids == expected, "a task was announced twice (two event ids)"
    assert outcome.issued_records >= outcome.directives, "a directive.issued never reached Kafka"
    assert outcome.facts == expected + outcome.directives, "the read model misses events"
    assert outcome.dead_letters == 0, "valid events were dead-lettered"
