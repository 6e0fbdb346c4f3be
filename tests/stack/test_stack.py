"""The local stack for real: Kafka and PostgreSQL processes in a throwaway state folder.

Ports are picked free at run time, so this can run while a developer's stack (default
ports) or another test run is up. The Kafka jars come from the repository's cache
(``.state/kafka/libs``, or ``CHIDAO_KAFKA_LIBS``): downloaded at most once per checkout.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from chidao.stack import SERVICES, LocalStack, StackError, keycloak
from chidao.stack.paths import repo_root
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.topics import TopicSpec, ensure_topics
from tests.ports import free_port

pytestmark = pytest.mark.integration

TOPIC = "chidao.stack.selftest"

# A stand-in for services.<name>: answers /health and echoes the environment it got.
DUMMY_SERVICE = """
import json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

NAME = {name!r}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        keys = ["KAFKA_BOOTSTRAP_SERVERS", NAME.upper() + "_DATABASE_URL", "CHIDAO_STATE_DIR",
                "CHIDAO_TEST_EXTRA", "KAFKA_USERNAME", "KAFKA_SECURITY_PROTOCOL"]
        body = json.dumps({{k: os.environ.get(k) for k in keys}}).encode()
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(os.environ[NAME.upper() + "_PORT"])), Handler).serve_forever()
"""


def _jar_cache() -> Path:
    env = os.environ.get("CHIDAO_KAFKA_LIBS")
    return Path(env) if env else repo_root() / ".state" / "kafka" / "libs"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    # Not pytest's tmp_path: /tmp/pytest-of-root is mode 700, and PostgreSQL runs as an
    # unprivileged account (we are root here) that must traverse to its data folder.
    state = Path(tempfile.mkdtemp(prefix="chidao-stack-test-"))
    state.chmod(0o755)
    dummies = state / "dummy-services"
    dummies.mkdir()
    for name in SERVICES:
        (dummies / f"dummy_{name}.py").write_text(DUMMY_SERVICE.format(name=name))
    local = LocalStack(
        state,
        kafka_port=free_port(),
        postgres_port=free_port(),
        kafka_controller_port=free_port(),
        keycloak_port=free_port(),
        kafka_libs=_jar_cache(),
        service_ports={name: free_port() for name in SERVICES},
        extra_env={"PYTHONPATH": str(dummies), "CHIDAO_TEST_EXTRA": "fixed-clock"},
        service_module="dummy_{name}",
    )
    # Prepared once per checkout (~30 s): not inside the timed first test.
    keycloak.ensure_dist(local.keycloak.dist)
    try:
        yield local
    finally:
        local.down()
        shutil.rmtree(state, ignore_errors=True)


async def _produce(kafka: KafkaAccess, value: bytes) -> None:
    # The broker creates no topic on use (auto-creation is off): declared first.
    await ensure_topics(kafka, [TopicSpec(TOPIC, 1)])
    producer = AIOKafkaProducer(**client_kwargs(kafka), acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(TOPIC, value, key=b"k")
    finally:
        await producer.stop()


async def _consume_all(kafka: KafkaAccess) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        TOPIC,
        **client_kwargs(kafka),
        group_id=f"selftest-{uuid.uuid4()}",  # fresh group: read from the beginning
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=15_000, max_records=10)
        return [msg.value for msgs in batches.values() for msg in msgs if msg.value is not None]
    finally:
        await consumer.stop()


async def _whoami(local: LocalStack, password: str) -> str:
    port = int(local.info().postgres.rsplit(":", 1)[1])
    conn = await asyncpg.connect(
        host="127.0.0.1", port=port, user="tasks", password=password, database="tasks"
    )
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY)")
        return str(await conn.fetchval("SELECT current_user || '@' || current_database()"))
    finally:
        await conn.close()


def test_kafka_and_postgres_persist_across_down_and_up(stack: LocalStack) -> None:
    started = time.monotonic()
    info = stack.up([])
    assert sorted(info.started) == ["kafka", "keycloak", "postgres"]
    assert info.bootstrap_servers == stack.bootstrap_servers
    assert stack.database_url("tasks").endswith(f"@{info.postgres}/tasks")

    payload = f"xin chào {uuid.uuid4()}".encode()
    admin = stack.kafka_access()  # the stack's super user: any topic, any group
    asyncio.run(_produce(admin, payload))
    assert payload in asyncio.run(_consume_all(admin))
    assert asyncio.run(_whoami(stack, "tasks")) == "tasks@tasks"
    with pytest.raises(asyncpg.InvalidPasswordError):  # TCP really checks the password
        asyncio.run(_whoami(stack, "wrong"))

    stack.down()
    assert not any(part.running for part in stack.status())

    again = stack.up([])
    assert sorted(again.started) == ["kafka", "keycloak", "postgres"]
    assert payload in asyncio.run(_consume_all(stack.kafka_access()))  # same credentials
    assert asyncio.run(_whoami(stack, "tasks")) == "tasks@tasks"  # role and db persisted
    assert time.monotonic() - started < 90


def test_services_start_individually_survive_kill_and_stop_only_what_started(
    stack: LocalStack,
) -> None:
    stack.up([])  # infrastructure, if the previous test did not leave it running
    info = stack.up(["tasks"])
    assert info.started == ["tasks"]  # Kafka and PG were already running
    url = info.services["tasks"]
    env = httpx.get(f"{url}/health").json()
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == stack.bootstrap_servers
    assert env["TASKS_DATABASE_URL"] == stack.database_url("tasks")
    assert env["CHIDAO_STATE_DIR"] == str(stack.state_dir)
    assert env["CHIDAO_TEST_EXTRA"] == "fixed-clock"
    # Each service connects as its own Kafka principal (the password is not echoed).
    assert (env["KAFKA_USERNAME"], env["KAFKA_SECURITY_PROTOCOL"]) == ("tasks", "SASL_PLAINTEXT")

    assert stack.up(["tasks"]).started == []  # not started twice

    stack.kill("tasks")
    assert {p.name: p.running for p in stack.status()}["tasks"] is False
    assert stack.start_service("tasks") is True
    assert httpx.get(f"{url}/health").status_code == 200

    stack.stop_started(info)
    running = {p.name: p.running for p in stack.status()}
    assert running["tasks"] is False
    assert running["kafka"] and running["postgres"]  # not started by that call: left alone


def test_failing_service_reports_its_log(stack: LocalStack) -> None:
    broken = LocalStack(
        stack.state_dir,
        kafka_port=int(stack.bootstrap_servers.rsplit(":", 1)[1]),
        postgres_port=int(stack.info().postgres.rsplit(":", 1)[1]),
        kafka_controller_port=stack.kafka.controller_port,
        keycloak_port=stack.keycloak.port,
        kafka_libs=stack.kafka.libs,
        service_ports=stack.services.ports,
        service_module="no_such_module_{name}",
    )
    with pytest.raises(StackError, match="No module named no_such_module_reporting"):
        broken.up(["reporting"])
    assert broken.services.pid("reporting") is None


async def test_sync_api_works_inside_a_running_event_loop(stack: LocalStack) -> None:
    # Async integration tests call the sync API (e.g. restart a killed service).
    stack.up([])
    assert {p.name: p.healthy for p in stack.status()}["kafka"] is True


def test_reset_refuses_while_running_then_clears_data(stack: LocalStack) -> None:
    stack.up([])
    with pytest.raises(StackError, match="running"):
        stack.reset()
    stack.down()
    stack.reset()
    assert not stack.paths.kafka_data.exists()
    assert not stack.paths.kafka_credentials.exists()  # the next cluster gets new users
    assert not stack.paths.postgres_data.exists()
    assert (stack.kafka.libs / "kafka_2.13-4.1.1.jar").is_file()  # jars are kept
