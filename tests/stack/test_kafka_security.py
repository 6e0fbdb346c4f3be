"""The local stack's Kafka is closed to strangers and each principal keeps to its ACLs.

A broker of its own (temporary state folder, free ports) started the way ``chidao up``
starts it: SASL/SCRAM-SHA-512 on the client listener, SASL/PLAIN on the controller
listener, the StandardAuthorizer with the platform's ACLs and topics. Every check is a
real client against the real broker: what the ACLs allow works, what they do not is an
authorization error (or no connection at all).
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.client import AIOKafkaClient
from aiokafka.conn import create_conn
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    TopicAuthorizationFailedError,
    for_code,
)
from aiokafka.protocol.fetch import FetchRequest
from typer.testing import CliRunner

from chidao.cli import app
from chidao.stack import LocalStack, kafka_security
from chidao.stack.paths import repo_root
from shared.contracts.events import (
    PUBLIC_TOPICS,
    TOPIC_DIRECTIVES,
    TOPIC_INSPECTIONS,
    TOPIC_ORG,
    TOPIC_REPORTS,
    TOPIC_TASKS,
    dlq_topic,
)
from shared.messaging.kafka_client import KafkaAccess, client_kwargs
from shared.messaging.kafka_reads import tail_event_ids
from shared.messaging.topics import TopicSpec, ensure_topics, service_topics
from shared.metrics import LagSampler
from tests.ports import free_pair, free_port

pytestmark = pytest.mark.integration


async def _lags(access: KafkaAccess, group: str, topics: list[str]) -> dict[Any, int]:
    sampler = LagSampler(access, group, topics)
    try:
        return await sampler.sample()
    finally:
        await sampler.close()


def _jar_cache() -> Path:
    return repo_root() / ".state" / "kafka" / "libs"


def _new_stack(brokers: int = 1) -> LocalStack:
    state = Path(tempfile.mkdtemp(prefix="chidao-kafka-security-"))
    state.chmod(0o755)
    port = free_pair() if brokers == 1 else _free_cluster_ports(brokers)
    return LocalStack(
        state,
        kafka_port=port,
        kafka_controller_port=port + 1,
        postgres_port=free_port(),
        keycloak_port=free_port(),
        kafka_libs=_jar_cache(),
        kafka_brokers=brokers,
    )


def _free_cluster_ports(brokers: int) -> int:
    while True:
        port = free_port()
        wanted = range(port, port + 2 * brokers)
        if all(_bindable(p) for p in wanted):
            return port


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    local = _new_stack()
    try:
        local.start_kafka()
        yield local
    finally:
        local.down()
        shutil.rmtree(local.state_dir, ignore_errors=True)


@pytest.fixture
def cli(stack: LocalStack) -> CliRunner:
    return CliRunner(
        env={
            "CHIDAO_STATE_DIR": str(stack.state_dir),
            "KAFKA_PORT": str(stack.kafka.port),
            "KAFKA_CONTROLLER_PORT": str(stack.kafka.controller_port),
            "KAFKA_BOOTSTRAP_SERVERS": None,
            "KAFKA_USERNAME": None,
            "KAFKA_PASSWORD": None,
        }
    )


@pytest.fixture(autouse=True)
def _quiet_aiokafka() -> Iterator[None]:
    # Refused connections and authorization errors are what these tests provoke.
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def produce(
    access: KafkaAccess, topic: str, value: bytes = b"{}", *, idempotent: bool = True
) -> None:
    producer = AIOKafkaProducer(
        **client_kwargs(access),
        acks="all",
        enable_idempotence=idempotent,
        request_timeout_ms=10000,
    )
    await asyncio.wait_for(producer.start(), 20)
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, value, key=b"k"), 20)
    finally:
        await producer.stop()


async def consume(access: KafkaAccess, topic: str, group: str | None) -> list[bytes]:
    """Everything on ``topic`` from the start: with a group (subscribe and join it) or
    without (assigned partitions)."""
    consumer = AIOKafkaConsumer(
        **client_kwargs(access),
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        request_timeout_ms=10000,
    )
    await asyncio.wait_for(consumer.start(), 20)
    try:
        if group is None:
            tps = [TopicPartition(topic, p) for p in range(6 if "dlq" not in topic else 1)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
        else:
            consumer.subscribe([topic])
        values: list[bytes] = []
        for _ in range(10):
            batch = await consumer.getmany(timeout_ms=1000)
            values += [r.value for rs in batch.values() for r in rs if r.value is not None]
            if values:
                break
        return values
    finally:
        await consumer.stop()


async def fetch(client: AIOKafkaClient, topic: str) -> type[KafkaError] | None:
    """One Fetch of partition 0 on ``client``'s connection: the error the broker answers
    with (TopicAuthorizationFailedError without READ on the topic), or None."""
    node = client.get_random_node()
    request = FetchRequest(100, 1, 1 << 20, 0, [(topic, [(0, 0, 1 << 20)])])
    response = await client.send(node, request)
    code = response.topics[0][1][0][1]
    return None if code == 0 else for_code(code)


async def fetch_error(access: KafkaAccess, topic: str) -> type[KafkaError] | None:
    client = AIOKafkaClient(**client_kwargs(access))
    await asyncio.wait_for(client.bootstrap(), 20)
    try:
        return await fetch(client, topic)
    finally:
        await client.close()


def _refused(coro: Any) -> type[BaseException]:
    """The error ``coro`` fails with (it must fail)."""
    with pytest.raises((KafkaError, TimeoutError)) as failure:
        run(coro)
    return failure.type


# --- strangers ---------------------------------------------------------------------


def test_anonymous_plaintext_clients_get_nothing(stack: LocalStack) -> None:
    anonymous = KafkaAccess(stack.bootstrap_servers)  # PLAINTEXT, no user
    assert _refused(produce(anonymous, TOPIC_TASKS)) is KafkaConnectionError
    assert _refused(consume(anonymous, TOPIC_TASKS, None)) is KafkaConnectionError
    # Nor through the controller listener: it takes SASL/PLAIN from the nodes only,
    # not an anonymous client, and not the admin's SCRAM credential either.
    controller = f"127.0.0.1:{stack.kafka.controller_port}"
    assert _refused(produce(KafkaAccess(controller), TOPIC_TASKS)) is KafkaConnectionError
    admin_there = stack.kafka_access("admin").with_bootstrap(controller)
    assert _refused(produce(admin_there, TOPIC_TASKS)) is KafkaConnectionError


def test_a_wrong_password_is_refused_by_the_broker(stack: LocalStack) -> None:
    host, port = stack.bootstrap_servers.split(":")

    async def login(password: str) -> None:
        conn = await create_conn(
            host,
            int(port),
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_plain_username="tasks",
            sasl_plain_password=password,
        )
        conn.close()

    with pytest.raises(KafkaError, match=r"(?i)authentication failed"):
        run(login("not-the-password"))
    run(login(stack.kafka_access("tasks").password.get_secret_value()))  # type: ignore[union-attr]


def test_credentials_are_private_and_logged_nowhere(stack: LocalStack) -> None:
    paths = stack.paths
    assert paths.kafka_credentials.stat().st_mode & 0o777 == 0o600
    assert paths.kafka_properties.stat().st_mode & 0o777 == 0o600
    creds = kafka_security.load_credentials(paths)
    assert creds is not None
    logs = "".join(p.read_text(errors="replace") for p in paths.logs.glob("*.log"))
    for principal, password in creds.passwords.items():
        assert password not in logs, f"{principal}'s password is in a log"


# --- the services ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "own", "foreign"),
    [
        ("directives", [TOPIC_DIRECTIVES, TOPIC_ORG], [TOPIC_TASKS, dlq_topic("tasks")]),
        ("tasks", [TOPIC_TASKS, dlq_topic("tasks")], [TOPIC_DIRECTIVES, TOPIC_INSPECTIONS]),
        ("inspections", [TOPIC_INSPECTIONS], [TOPIC_ORG, TOPIC_REPORTS]),
        ("reporting", [TOPIC_REPORTS, dlq_topic("reporting")], [TOPIC_TASKS]),
    ],
)
def test_a_service_writes_its_own_topics_and_no_other(
    stack: LocalStack, service: str, own: list[str], foreign: list[str]
) -> None:
    access = stack.kafka_access(service)
    for topic in own:
        run(produce(access, topic, json.dumps({"by": service}).encode()))
    for topic in foreign:
        assert _refused(produce(access, topic)) is TopicAuthorizationFailedError, topic


def test_a_service_reads_what_it_consumes_in_its_own_group_only(stack: LocalStack) -> None:
    run(produce(stack.kafka_access("directives"), TOPIC_ORG, b'{"org": 1}'))
    tasks = stack.kafka_access("tasks")
    assert run(consume(tasks, TOPIC_ORG, "tasks"))  # its group, a topic it consumes
    # The relay reads the tail of its own topics; the lag sampler describes its group.
    run(produce(tasks, TOPIC_TASKS))
    assert isinstance(run(tail_event_ids(tasks, {TOPIC_TASKS}, 5)), set)
    assert all(lag >= 0 for lag in run(_lags(tasks, "tasks", [TOPIC_ORG])).values())
    # Not another service's group, not a topic it does not consume, not a DLQ.
    refused = _refused(consume(tasks, TOPIC_ORG, "reporting"))
    assert refused is GroupAuthorizationFailedError
    inspections = stack.kafka_access("inspections")
    assert run(fetch_error(inspections, TOPIC_TASKS)) is TopicAuthorizationFailedError
    assert run(consume(inspections, TOPIC_TASKS, None)) == []  # a consumer just gets nothing
    assert run(fetch_error(inspections, TOPIC_ORG)) is None
    # It writes its dead-letter topic but may not read it (the operator's tools do).
    assert run(fetch_error(tasks, dlq_topic("tasks"))) is TopicAuthorizationFailedError
    # Reporting replays every public topic with no group at all.
    reporting = stack.kafka_access("reporting")
    assert run(consume(reporting, TOPIC_ORG, None))


def test_a_service_start_up_declares_its_topics_under_its_acls(stack: LocalStack) -> None:
    tasks = stack.kafka_access("tasks")
    consumed = kafka_security.CONSUMES["tasks"]
    specs = service_topics("tasks", consumed)
    assert {s.name for s in specs} == {TOPIC_TASKS, dlq_topic("tasks"), *consumed}
    assert run(ensure_topics(tasks, specs)) == []  # the stack made them all: idempotent
    # A topic it neither owns nor reads is one it cannot see, and may not create.
    with pytest.raises(TopicAuthorizationFailedError, match="may not create"):
        run(ensure_topics(tasks, [TopicSpec(TOPIC_REPORTS, 6)]))


def test_the_stack_created_every_declared_topic(stack: LocalStack) -> None:
    async def topics() -> set[str]:
        admin = AIOKafkaAdminClient(**client_kwargs(stack.kafka_access("admin")))
        await admin.start()
        try:
            return set(await admin.list_topics())
        finally:
            await admin.close()

    names = run(topics())
    assert set(PUBLIC_TOPICS) <= names
    assert {dlq_topic(s) for s in kafka_security.SERVICE_PRINCIPALS} <= names


# --- agencies ----------------------------------------------------------------------


def _agency(cli: CliRunner, *args: str) -> dict[str, Any]:
    result = cli.invoke(app, ["agency", "add", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _access(grant: dict[str, Any]) -> KafkaAccess:
    return KafkaAccess.sasl(
        grant["bootstrap_servers"],
        grant["username"],
        grant["password"],
        mechanism=grant["sasl_mechanism"],
        protocol=grant["security_protocol"],
    )


def test_an_agency_reads_the_public_topics_and_nothing_more(
    stack: LocalStack, cli: CliRunner
) -> None:
    marker = f"published {uuid.uuid4()}".encode()
    run(produce(stack.kafka_access("tasks"), TOPIC_TASKS, marker))

    grant = _agency(cli, "snv")
    assert grant["username"] == "agency-snv"
    assert grant["group_prefix"] == "agency-snv."
    assert grant["topics"] == list(PUBLIC_TOPICS)
    assert grant["security_protocol"] == "SASL_PLAINTEXT"
    assert grant["sasl_mechanism"] == "SCRAM-SHA-512"
    assert grant["bootstrap_servers"] == stack.bootstrap_servers
    assert Path(grant["schemas"]).is_dir()
    assert "chidao.task.assigned.v1.schema.json" in grant["schema_files"][TOPIC_TASKS]
    snv = _access(grant)

    assert marker in run(consume(snv, TOPIC_TASKS, "agency-snv.reader"))
    assert marker in run(consume(snv, TOPIC_TASKS, None))
    for topic in (*PUBLIC_TOPICS, dlq_topic("tasks")):  # write: nowhere
        refused = _refused(produce(snv, topic, idempotent=False))
        assert refused is TopicAuthorizationFailedError, topic
    # An idempotent producer (the default) does not even get a producer id: that takes
    # WRITE on some topic.
    assert _refused(produce(snv, TOPIC_TASKS)) is ClusterAuthorizationFailedError
    for service in kafka_security.SERVICE_PRINCIPALS:  # never a dead-letter topic
        assert run(fetch_error(snv, dlq_topic(service))) is TopicAuthorizationFailedError
    assert _refused(consume(snv, TOPIC_TASKS, "tasks")) is GroupAuthorizationFailedError
    assert _refused(consume(snv, TOPIC_TASKS, "agency-other.x")) is (GroupAuthorizationFailedError)

    listed = cli.invoke(app, ["agency", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["agency"]: row for row in json.loads(listed.stdout)}
    assert rows["snv"]["topics"] == list(PUBLIC_TOPICS)
    again = cli.invoke(app, ["agency", "add", "snv"])
    assert again.exit_code == 1 and "exists already" in again.output

    removed = cli.invoke(app, ["agency", "remove", "snv"])
    assert removed.exit_code == 0, removed.output
    assert _refused(consume(snv, TOPIC_TASKS, None)) is KafkaConnectionError  # no login
    listed = cli.invoke(app, ["agency", "list", "--json"])
    assert "snv" not in {row["agency"] for row in json.loads(listed.stdout)}
    assert cli.invoke(app, ["agency", "remove", "snv"]).exit_code == 1


def test_an_agency_granted_some_topics_reads_only_those(stack: LocalStack, cli: CliRunner) -> None:
    run(produce(stack.kafka_access("reporting"), TOPIC_REPORTS, b'{"report": 1}'))
    grant = _agency(cli, "kbnn", "--topics", f"{TOPIC_REPORTS}")
    assert grant["topics"] == [TOPIC_REPORTS]
    kbnn = _access(grant)
    assert run(consume(kbnn, TOPIC_REPORTS, "agency-kbnn.1"))
    assert run(fetch_error(kbnn, TOPIC_TASKS)) is TopicAuthorizationFailedError

    async def revoked_while_connected() -> type[KafkaError] | None:
        # A connection made before the removal loses its access too, without logging
        # in again: each fetch is authorized against the ACLs in force.
        client = AIOKafkaClient(**client_kwargs(kbnn))
        await client.bootstrap()
        try:
            assert await fetch(client, TOPIC_REPORTS) is None
            removed = await asyncio.to_thread(cli.invoke, app, ["agency", "remove", "kbnn"])
            assert removed.exit_code == 0, removed.output
            return await fetch(client, TOPIC_REPORTS)
        finally:
            await client.close()

    assert run(revoked_while_connected()) is TopicAuthorizationFailedError


def test_agency_input_errors_are_one_line(cli: CliRunner) -> None:
    for args, message in (
        (["agency", "add", "Bad Name"], "Invalid agency name"),
        (["agency", "add", "x", "--topics", dlq_topic("tasks")], "Not public topic"),
        (["kafka", "client-config", "agency-snv"], "not kept"),
        (["kafka", "client-config", "nobody"], "Unknown principal"),
    ):
        result = cli.invoke(app, args)
        assert result.exit_code == 1, args
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_client_config_of_a_service_works_as_printed(stack: LocalStack, cli: CliRunner) -> None:
    result = cli.invoke(app, ["kafka", "client-config", "tasks", "--json"])
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)
    assert config["username"] == "tasks" and config["security_protocol"] == "SASL_PLAINTEXT"
    run(produce(_access({**config, "sasl_mechanism": config["sasl_mechanism"]}), TOPIC_TASKS))
    kcat = cli.invoke(app, ["kafka", "client-config", "admin"]).stdout
    assert "sasl.mechanisms=SCRAM-SHA-512" in kcat and "sasl.username=admin" in kcat
    java = cli.invoke(app, ["kafka", "client-config", "admin", "--format", "java"]).stdout
    assert 'ScramLoginModule required username="admin"' in java


def test_the_dead_letter_tools_act_as_admin(stack: LocalStack, cli: CliRunner) -> None:
    run(produce(stack.kafka_access("tasks"), dlq_topic("tasks"), b"not json"))
    result = cli.invoke(app, ["dlq", "list", "tasks"])
    assert result.exit_code == 0, result.output
    assert "chidao.dlq.tasks" in result.output


# --- three nodes --------------------------------------------------------------------


def test_a_three_node_cluster_replicates_under_the_acls() -> None:
    cluster = _new_stack(brokers=3)
    try:
        cluster.start_kafka()

        async def replicas() -> list[tuple[list[int], list[int]]]:
            await produce(cluster.kafka_access("tasks"), TOPIC_TASKS)  # acks=all: 2 in sync
            admin = AIOKafkaAdminClient(**client_kwargs(cluster.kafka_access("admin")))
            await admin.start()
            try:
                described = await admin.describe_topics([TOPIC_TASKS])
            finally:
                await admin.close()
            return [(p["replicas"], p["isr"]) for p in described[0]["partitions"]]

        for replicas_of, isr in run(replicas()):
            assert len(replicas_of) == 3 and sorted(isr) == [1, 2, 3]
    finally:
        cluster.down()
        shutil.rmtree(cluster.state_dir, ignore_errors=True)
