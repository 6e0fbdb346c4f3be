"""Kafka security without a broker: the generated configuration, the credentials file,
the ACL table, the client settings (tests/stack/test_kafka_security.py has the broker)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, cast

import pytest
from faststream.security import SASLScram512
from pydantic import SecretStr, ValidationError

from chidao.stack import kafka
from chidao.stack.kafka_admin import Operation, PatternType, ResourceType
from chidao.stack.kafka_security import (
    CONSUMES,
    SERVICE_PRINCIPALS,
    KafkaCredentials,
    agency_acls,
    ensure_credentials,
    service_acls,
    stack_principals,
)
from chidao.stack.paths import StatePaths
from chidao.stack.procs import StackError
from chidao.stack.services import ServiceManager
from services.tasks.settings import TasksSettings
from shared.contracts.events import PUBLIC_TOPICS, PUBLISHERS, dlq_topic
from shared.messaging.kafka_client import (
    KafkaAccess,
    client_kwargs,
    faststream_security,
    kafka_access,
)

LIBS = Path("/nonexistent/libs")
CREDS = KafkaCredentials({name: f"secret-of-{name}" for name in stack_principals()})


def _props(tmp_path: Path, brokers: int = 1) -> dict[str, str]:
    cfg = kafka.KafkaSettings(port=9092, controller_port=9093, libs=LIBS, brokers=brokers)
    text = kafka.server_properties(StatePaths(tmp_path), cfg, 1, CREDS)
    return dict(line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")


def test_every_listener_authenticates_and_what_no_acl_allows_is_denied(tmp_path: Path) -> None:
    props = _props(tmp_path)
    protocols = dict(p.split(":") for p in props["listener.security.protocol.map"].split(","))
    assert protocols == {"CLIENT": "SASL_PLAINTEXT", "CONTROLLER": "SASL_PLAINTEXT"}
    assert "PLAINTEXT://" not in props["listeners"]  # no anonymous principal anywhere
    assert props["listener.name.client.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
    assert props["listener.name.controller.sasl.enabled.mechanisms"] == "PLAIN"
    assert props["sasl.mechanism.controller.protocol"] == "PLAIN"
    assert props["authorizer.class.name"] == (
        "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    )
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:admin;User:controller"
    assert props["auto.create.topics.enable"] == "false"
    # The nodes log in as `broker` (replication) and `controller`; the controller
    # listener knows that one static user and no other.
    client_jaas = props["listener.name.client.scram-sha-512.sasl.jaas.config"]
    assert 'username="broker" password="secret-of-broker";' in client_jaas
    controller_jaas = props["listener.name.controller.plain.sasl.jaas.config"]
    assert controller_jaas.count("user_") == 1
    assert 'user_controller="secret-of-controller"' in controller_jaas
    assert "secret-of-admin" not in json.dumps(props)  # the admin's is in no node's file


def test_credentials_are_made_once_kept_private_and_never_shown(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    first = ensure_credentials(paths)
    assert set(first.passwords) == set(stack_principals())
    assert len(set(first.passwords.values())) == len(first.passwords)
    assert all(len(pw) >= 32 for pw in first.passwords.values())
    assert paths.kafka_credentials.stat().st_mode & 0o777 == 0o600
    assert ensure_credentials(paths).passwords == first.passwords  # once per state folder
    paths.kafka_credentials.chmod(0o644)
    assert ensure_credentials(paths).passwords == first.passwords
    assert paths.kafka_credentials.stat().st_mode & 0o777 == 0o600  # narrowed again
    assert first.passwords["admin"] not in repr(first)
    access = first.access("127.0.0.1:9092", "tasks")
    assert first.passwords["tasks"] not in repr(access) and "tasks" in repr(access)


def test_the_storage_format_gets_salted_passwords_only() -> None:
    args = CREDS.format_arguments()
    flags, values = args[0::2], args[1::2]
    assert set(flags) == {"--add-scram"}
    named = {v.split("name=", 1)[1].split(",", 1)[0]: v for v in values}
    assert set(named) == set(stack_principals()) - {"controller"}  # PLAIN, not SCRAM
    for name, value in named.items():
        assert CREDS.password(name) not in value
        assert value.startswith(f"SCRAM-SHA-512=[name={name},iterations=8192,")
        salt = base64.b64decode(value.split('salt="', 1)[1].split('"', 1)[0])
        salted = base64.b64decode(value.split('saltedpassword="', 1)[1].split('"', 1)[0])
        assert salted == hashlib.pbkdf2_hmac("sha512", CREDS.password(name).encode(), salt, 8192)


def test_a_state_folder_from_before_authentication_is_refused(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    paths.kafka_data.mkdir(parents=True)
    (paths.kafka_data / "meta.properties").write_text("node.id=1\n")
    cfg = kafka.KafkaSettings(port=9092, controller_port=9093, libs=LIBS)
    with pytest.raises(StackError) as refused:
        kafka.start(paths, cfg)  # before any port, jar or process is touched
    message = str(refused.value)
    assert "predates authentication" in message and "chidao down && chidao reset" in message
    assert "\n" not in message
    assert not paths.kafka_credentials.exists()  # nothing made up for the old data


def _service_handlers_topics() -> dict[str, set[str]]:
    from services.directives.handlers import DirectiveService, Directories
    from services.directives.settings import DirectivesSettings
    from services.inspections.handlers import InspectionService
    from services.reporting.handlers import ReportingService
    from services.tasks.handlers import TaskService

    none = cast(Any, None)
    settings = DirectivesSettings()
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    return {
        "directives": set(DirectiveService(none, none, none, directories).event_handlers().topics),
        "tasks": set(TaskService(none, none, none).event_handlers().topics),
        "inspections": set(InspectionService(none, none, none, none).event_handlers().topics),
        "reporting": set(ReportingService(none, none, none, none).event_handlers().topics),
    }


def test_each_service_reads_what_its_handlers_consume() -> None:
    assert {s: set(t) for s, t in CONSUMES.items()} == _service_handlers_topics()


def test_the_service_acl_table() -> None:
    def allowed(service: str, op: Operation) -> set[str]:
        return {
            a.resource_name
            for a in service_acls(service)
            if a.operation is op and a.resource_type is ResourceType.TOPIC
        }

    for service in SERVICE_PRINCIPALS:
        own = {t for t, owner in PUBLISHERS.items() if owner == service}
        assert allowed(service, Operation.WRITE) == own | {dlq_topic(service)}
        assert allowed(service, Operation.CREATE) == own | {dlq_topic(service)}
        assert allowed(service, Operation.READ) == own | set(CONSUMES[service])
        groups = [a for a in service_acls(service) if a.resource_type is ResourceType.GROUP]
        assert [(g.resource_name, g.pattern, g.operation) for g in groups] == [
            (service, PatternType.PREFIXED, Operation.READ)
        ]
        acls = service_acls(service)
        assert all(a.principal == f"User:{service}" for a in acls)
        assert not any(a.resource_type is ResourceType.CLUSTER for a in acls)
    assert allowed("directives", Operation.WRITE) == {
        "chidao.directives.v1",
        "chidao.org.v1",
        "chidao.dlq.directives",
    }
    assert allowed("reporting", Operation.READ) == set(PUBLIC_TOPICS)


def test_an_agency_may_only_read_public_topics_and_its_groups() -> None:
    acls = agency_acls("snv")
    assert {a.operation for a in acls} == {Operation.READ}
    assert {a.principal for a in acls} == {"User:agency-snv"}
    topics = {a.resource_name for a in acls if a.resource_type is ResourceType.TOPIC}
    assert topics == set(PUBLIC_TOPICS)
    assert [
        (a.resource_name, a.pattern) for a in acls if a.resource_type is ResourceType.GROUP
    ] == [("agency-snv.", PatternType.PREFIXED)]
    assert len(agency_acls("kbnn", ["chidao.reports.v1"])) == 2
    with pytest.raises(StackError, match="Not public"):
        agency_acls("snv", ["chidao.dlq.tasks"])
    for bad in ("", "SNV", "a b", "-x", "x" * 41, "snv.1"):
        with pytest.raises(StackError, match="Invalid agency name"):
            agency_acls(bad)


def test_client_kwargs_plaintext_without_a_user_scram_with_one() -> None:
    assert client_kwargs(KafkaAccess("k:9092")) == {
        "bootstrap_servers": "k:9092",
        "security_protocol": "PLAINTEXT",
    }
    access = KafkaAccess.sasl("a:1,b:2", "tasks", "s3cret")
    assert client_kwargs(access) == {
        "bootstrap_servers": "a:1,b:2",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "tasks",
        "sasl_plain_password": "s3cret",
    }
    assert access.servers == ["a:1", "b:2"]
    assert "s3cret" not in repr(access) and "s3cret" not in str(access)
    security = faststream_security(access)
    assert isinstance(security, SASLScram512) and security.username == "tasks"
    assert faststream_security(KafkaAccess("k:9092")) is None
    tls = KafkaAccess.sasl("k:9093", "tasks", "s3cret", protocol="SASL_SSL")
    assert client_kwargs(tls)["ssl_context"] is not None
    with pytest.raises(ValueError, match="needs a user name"):
        KafkaAccess("k:9092", security_protocol="SASL_PLAINTEXT")
    with pytest.raises(ValueError, match="not one of"):
        KafkaAccess("k:9092", security_protocol="SASL_TLS")


def test_service_settings_take_the_principal_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SSL_CAFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("KAFKA_USERNAME", "tasks")
    monkeypatch.setenv("KAFKA_PASSWORD", "pw-from-env")
    settings = TasksSettings()
    assert isinstance(settings.kafka_password, SecretStr)
    assert "pw-from-env" not in repr(settings)
    access = kafka_access(settings)
    assert (access.protocol, access.username) == ("SASL_PLAINTEXT", "tasks")
    assert client_kwargs(access)["sasl_plain_password"] == "pw-from-env"
    monkeypatch.delenv("KAFKA_USERNAME")
    monkeypatch.delenv("KAFKA_PASSWORD")
    assert kafka_access(TasksSettings()).protocol == "PLAINTEXT"  # a broker without auth
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    with pytest.raises(ValidationError, match="needs a user name"):
        TasksSettings()


def test_each_service_process_gets_its_own_principal(tmp_path: Path) -> None:
    paths = StatePaths(tmp_path)
    creds = ensure_credentials(paths)
    manager = ServiceManager(paths, {"tasks": 8002}, "127.0.0.1:9092", 5432)
    env = manager.env("tasks")
    assert env["KAFKA_USERNAME"] == "tasks"
    assert env["KAFKA_PASSWORD"] == creds.password("tasks")
    assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert creds.password("admin") not in env.values()
