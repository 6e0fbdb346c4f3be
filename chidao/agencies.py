"""Other agencies subscribe to the public topics, read-only: ``chidao agency add|list|remove``.

An agency is a SCRAM user ``agency-<name>`` with a generated password, allowed to READ
the public topics it was granted and to use consumer groups named ``agency-<name>.*``,
and nothing else: no write anywhere, no dead-letter topic, no service's group. The
password is printed once and kept nowhere (the broker stores only its salted keys): a
lost one is replaced by removing and adding the agency again.

``chidao kafka client-config`` prints the settings of the stack's own principals
(admin, the services), whose passwords the state folder keeps.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from chidao.contracts import CONTRACTS_DIR
from chidao.stack import kafka_security
from chidao.stack.kafka_admin import AclFilter, KafkaAdmin, ResourceType, wait_login
from chidao.stack.kafka_security import (
    AGENCY_PREFIX,
    agency_acls,
    agency_group_prefix,
    agency_principal,
    check_public_topics,
    new_password,
    user,
)
from chidao.stack.procs import StackError
from chidao.stack.stack import LocalStack
from shared.contracts.events import ALL_EVENTS, PUBLIC_TOPICS
from shared.messaging.kafka_client import KafkaAccess


def operator_access() -> KafkaAccess:
    """The administrator's access for the CLI: KAFKA_USERNAME / KAFKA_PASSWORD (and
    KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM) when set,
    else the local stack's ``admin`` from the state folder (CHIDAO_STATE_DIR)."""
    env = os.environ
    bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS")
    if env.get("KAFKA_USERNAME"):
        cafile = env.get("KAFKA_SSL_CAFILE")
        try:
            return KafkaAccess(
                bootstrap or "127.0.0.1:9092",
                env["KAFKA_USERNAME"],
                SecretStr(env.get("KAFKA_PASSWORD", "")),
                env.get("KAFKA_SECURITY_PROTOCOL") or None,
                env.get("KAFKA_SASL_MECHANISM", kafka_security.MECHANISM).upper(),
                Path(cafile) if cafile else None,
            )
        except ValueError as exc:
            raise StackError(f"KAFKA_* settings: {exc}") from None
    stack = LocalStack()
    if kafka_security.load_credentials(stack.paths) is None:
        if bootstrap:  # a broker without authentication, named explicitly
            return KafkaAccess(bootstrap, security_protocol=env.get("KAFKA_SECURITY_PROTOCOL"))
        raise StackError(
            f"No Kafka credentials in {stack.paths.kafka_dir}: start the stack (chidao up), "
            "or set KAFKA_USERNAME and KAFKA_PASSWORD."
        )
    access = stack.kafka_access(kafka_security.ADMIN)
    return access.with_bootstrap(bootstrap) if bootstrap else access


def client_config(principal: str) -> KafkaAccess:
    """The access of one of the stack's own principals (``admin`` or a service)."""
    if principal.startswith(AGENCY_PREFIX):
        raise StackError(
            f"Agency passwords are not kept (chidao agency add prints one once); for a new "
            f"one: chidao agency remove {principal.removeprefix(AGENCY_PREFIX)} && "
            f"chidao agency add {principal.removeprefix(AGENCY_PREFIX)}"
        )
    allowed = (kafka_security.ADMIN, *kafka_security.SERVICE_PRINCIPALS)
    if principal not in allowed:
        raise StackError(f"Unknown principal {principal!r}; one of: {', '.join(allowed)}")
    stack = LocalStack()
    access = stack.kafka_access(principal)
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    return access.with_bootstrap(bootstrap) if bootstrap else access


def settings_of(access: KafkaAccess) -> dict[str, str]:
    """What a client needs, by name (JSON output, and the base of the other formats)."""
    password = access.password.get_secret_value() if access.password else ""
    return {
        "bootstrap_servers": access.bootstrap_servers,
        "security_protocol": access.protocol,
        "sasl_mechanism": access.sasl_mechanism,
        "username": access.username or "",
        "password": password,
    }


def render_config(access: KafkaAccess, style: str) -> str:
    """``kcat`` (librdkafka properties: ``kcat -F file``), ``java`` (the Kafka CLI tools'
    ``--command-config``) or ``env`` (the KAFKA_* variables the services and
    ``chidao dlq`` read)."""
    s = settings_of(access)
    if style == "kcat":
        lines = [
            f"bootstrap.servers={s['bootstrap_servers']}",
            f"security.protocol={s['security_protocol']}",
            f"sasl.mechanisms={s['sasl_mechanism']}",
            f"sasl.username={s['username']}",
            f"sasl.password={s['password']}",
        ]
    elif style == "java":
        module = "org.apache.kafka.common.security.scram.ScramLoginModule"
        if s["sasl_mechanism"] == "PLAIN":
            module = "org.apache.kafka.common.security.plain.PlainLoginModule"
        lines = [
            f"bootstrap.servers={s['bootstrap_servers']}",
            f"security.protocol={s['security_protocol']}",
            f"sasl.mechanism={s['sasl_mechanism']}",
            f"sasl.jaas.config={kafka_security.jaas(module, s['username'], s['password'])}",
        ]
    elif style == "env":
        lines = [f"KAFKA_{key.upper()}={value}" for key, value in s.items()]
    else:
        raise StackError(f"Unknown format {style!r}: kcat, java or env")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Agency:
    name: str
    username: str
    topics: list[str]
    group_prefix: str


@dataclass(frozen=True)
class AgencyGrant:
    """What a subscriber needs, printed once by ``chidao agency add``."""

    agency: Agency
    bootstrap_servers: str
    security_protocol: str
    sasl_mechanism: str
    password: str = field(repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "agency": self.agency.name,
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
            "sasl_mechanism": self.sasl_mechanism,
            "username": self.agency.username,
            "password": self.password,
            "topics": self.agency.topics,
            "group_prefix": self.agency.group_prefix,
            "schemas": str(CONTRACTS_DIR),
            "schema_files": schema_files(self.agency.topics),
        }


def schema_files(topics: Sequence[str]) -> dict[str, list[str]]:
    """Per topic, the JSON Schema file of each event type on it (``contracts/``)."""
    return {
        topic: sorted(f"{e.ce_type}.schema.json" for e in ALL_EVENTS if e.topic == topic)
        for topic in topics
    }


def parse_topics(spec: str | None) -> list[str]:
    if not spec:
        return list(PUBLIC_TOPICS)
    topics = check_public_topics([t.strip() for t in spec.split(",") if t.strip()])
    return sorted(set(topics), key=_topic_order)


async def add_agency(admin: KafkaAdmin, name: str, topics: Sequence[str]) -> AgencyGrant:
    username = agency_principal(name)
    acls = agency_acls(name, topics)
    if await admin.scram_users([username]):
        raise StackError(
            f"Agency {name} exists already; to give it a new password or other topics: "
            f"chidao agency remove {name}, then add it again."
        )
    password = new_password()
    leftovers = await admin.describe_acls(AclFilter(principal=user(username)))
    if leftovers:  # of an earlier agency of that name, removed half-way
        await admin.delete_acls([AclFilter(principal=user(username))])
    await admin.create_acls(acls)
    await admin.upsert_scram(username, password, kafka_security.SCRAM)
    await admin.wait_acls(present=acls, principal=user(username))
    access = KafkaAccess.sasl(
        admin.access.bootstrap_servers, username, password, mechanism=kafka_security.MECHANISM
    )
    await wait_login(access, admin.broker_addresses())
    return AgencyGrant(
        Agency(name, username, list(topics), agency_group_prefix(name)),
        bootstrap_servers=admin.access.bootstrap_servers,
        security_protocol=access.protocol,
        sasl_mechanism=access.sasl_mechanism,
        password=password,
    )


async def list_agencies(admin: KafkaAdmin) -> list[Agency]:
    users = {u for u in await admin.scram_users() if u.startswith(AGENCY_PREFIX)}
    acls = await admin.describe_acls(AclFilter())
    topics: dict[str, list[str]] = {}
    for acl in acls:
        who = acl.principal.removeprefix("User:")
        if who.startswith(AGENCY_PREFIX):
            users.add(who)
            if acl.resource_type is ResourceType.TOPIC:
                topics.setdefault(who, []).append(acl.resource_name)
    agencies = []
    for username in sorted(users):
        name = username.removeprefix(AGENCY_PREFIX)
        granted = sorted(topics.get(username, []), key=_topic_order)
        agencies.append(Agency(name, username, granted, f"{username}."))
    return agencies


def _topic_order(topic: str) -> int:
    return PUBLIC_TOPICS.index(topic) if topic in PUBLIC_TOPICS else len(PUBLIC_TOPICS)


async def remove_agency(admin: KafkaAdmin, name: str) -> bool:
    """Delete the agency's ACLs and credential; False when it had neither.

    Its access ends at once: every request is authorized against the ACLs in force,
    and without the credential it cannot log in again."""
    username = agency_principal(name)
    removed = await admin.delete_acls([AclFilter(principal=user(username))])
    had_user = await admin.delete_scram(username, kafka_security.SCRAM)
    await admin.wait_acls(absent=removed, principal=user(username))
    await admin.wait_scram(absent=[username])
    return bool(removed) or had_user
