"""Who may do what on the local stack's Kafka: principals, their passwords, their ACLs.

- Every client listener takes SASL/SCRAM-SHA-512 only (SASL_PLAINTEXT on loopback); the
  controller listener takes SASL/PLAIN with one static user, ``controller`` (Kafka
  cannot check SCRAM there: the controllers read SCRAM credentials from the metadata
  log they serve). No listener is PLAINTEXT, so there is no anonymous principal at all.
- KRaft's StandardAuthorizer, ``allow.everyone.if.no.acl.found=false``: what no ACL
  allows is denied. Super users: ``admin`` (the stack's own administration: topics,
  ACLs, credentials, the dead-letter tools) and ``controller`` (the nodes among
  themselves; Kafka lets only super users through before the authorizer has loaded the
  metadata). ``broker`` (replication between nodes) has CLUSTER_ACTION and nothing else.
- One principal per service, allowed its own topics (write, create, read back), its
  dead-letter topic (write, create), the topics it consumes (read) and the consumer
  groups named after it (prefix). Agencies (``chidao agency add``): read on the public
  topics granted and on groups ``agency-<name>.*``, nothing else. The table is in
  docs/kafka-security.md; `service_acls` and `agency_acls` are its source.
- Passwords: random, made once per state folder, kept in ``kafka/credentials.json``
  (mode 0600), never in code, logs or events. The storage format adds each node's and
  each service's SCRAM credential as salt and salted password, so no password is on a
  command line; ``provision`` (every ``up``) adds any credential or ACL missing since.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from chidao.stack.kafka_admin import (
    Acl,
    AclFilter,
    KafkaAdmin,
    Operation,
    PatternType,
    ResourceType,
    ScramMechanism,
    scram_format_argument,
)
from chidao.stack.paths import StatePaths
from chidao.stack.procs import StackError
from shared.contracts.events import (
    PUBLIC_TOPICS,
    PUBLISHERS,
    TOPIC_DIRECTIVES,
    TOPIC_INSPECTIONS,
    TOPIC_ORG,
    TOPIC_TASKS,
    dlq_topic,
)
from shared.messaging.kafka_client import KafkaAccess
from shared.messaging.topics import ensure_topics, platform_topics

MECHANISM = "SCRAM-SHA-512"
SCRAM = ScramMechanism.named(MECHANISM)
CLIENT_LISTENER = "CLIENT"
CONTROLLER_LISTENER = "CONTROLLER"
ADMIN = "admin"
BROKER = "broker"
CONTROLLER = "controller"
SUPER_USERS = (ADMIN, CONTROLLER)
CLUSTER_RESOURCE = "kafka-cluster"
AGENCY_PREFIX = "agency-"
SERVICE_PRINCIPALS: tuple[str, ...] = ("directives", "tasks", "inspections", "reporting")
# What each service consumes (its handlers' topics: a unit test compares this with
# `event_handlers().topics` of each service). Each also reads back its own topics (the
# relay's takeover reads their tail), and reporting replays every public topic.
CONSUMES: dict[str, tuple[str, ...]] = {
    "directives": (TOPIC_TASKS,),  # task progress, for the lineage view
    "tasks": (TOPIC_DIRECTIVES, TOPIC_INSPECTIONS, TOPIC_ORG),
    "inspections": (TOPIC_ORG,),
    "reporting": PUBLIC_TOPICS,
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def user(name: str) -> str:
    return f"User:{name}"


def owned_topics(service: str) -> list[str]:
    return [topic for topic, owner in PUBLISHERS.items() if owner == service]


def service_acls(service: str) -> list[Acl]:
    """Everything ``service`` may do; what is not here it may not."""
    who = user(service)
    own = owned_topics(service)
    acls: list[Acl] = []
    for topic in [*own, dlq_topic(service)]:
        # WRITE implies DESCRIBE; CREATE lets the service's start-up create its own
        # topics where no one did (a deployment without the stack's provisioning).
        for op in (Operation.WRITE, Operation.CREATE):
            acls.append(Acl(ResourceType.TOPIC, topic, PatternType.LITERAL, who, op))
    for topic in sorted({*own, *CONSUMES[service]}):
        acls.append(Acl(ResourceType.TOPIC, topic, PatternType.LITERAL, who, Operation.READ))
    # Its consumer group (and the lag sampler's look at it); READ implies DESCRIBE.
    acls.append(Acl(ResourceType.GROUP, service, PatternType.PREFIXED, who, Operation.READ))
    return sorted(set(acls))


def broker_acls() -> list[Acl]:
    """Replication between the nodes (follower fetches) and nothing else."""
    return [
        Acl(
            ResourceType.CLUSTER,
            CLUSTER_RESOURCE,
            PatternType.LITERAL,
            user(BROKER),
            Operation.CLUSTER_ACTION,
        )
    ]


def platform_acls() -> list[Acl]:
    return sorted({*broker_acls(), *(a for s in SERVICE_PRINCIPALS for a in service_acls(s))})


def check_agency_name(name: str) -> str:
    if not _NAME.match(name):
        raise StackError(
            f"Invalid agency name {name!r}: 1-40 characters, lower-case letters, digits "
            "and '-', starting with a letter or digit."
        )
    return name


def agency_principal(name: str) -> str:
    """The SCRAM user name of an agency: ``agency-<name>``."""
    return f"{AGENCY_PREFIX}{check_agency_name(name)}"


def agency_group_prefix(name: str) -> str:
    return f"{agency_principal(name)}."


def check_public_topics(topics: Sequence[str]) -> list[str]:
    """The topics, if all public (never a dead-letter topic) and at least one."""
    unknown = sorted(set(topics) - set(PUBLIC_TOPICS))
    if unknown:
        raise StackError(
            f"Not public topic(s): {', '.join(unknown)}; an agency may read only "
            f"{', '.join(PUBLIC_TOPICS)}."
        )
    if not topics:
        raise StackError("An agency needs at least one topic.")
    return list(topics)


def agency_acls(name: str, topics: Sequence[str] = PUBLIC_TOPICS) -> list[Acl]:
    """Read the granted public topics and use groups ``agency-<name>.*``: nothing else."""
    check_public_topics(topics)
    who = user(agency_principal(name))
    acls = [
        Acl(ResourceType.TOPIC, topic, PatternType.LITERAL, who, Operation.READ) for topic in topics
    ]
    acls.append(
        Acl(
            ResourceType.GROUP, agency_group_prefix(name), PatternType.PREFIXED, who, Operation.READ
        )
    )
    return sorted(set(acls))


# --- credentials ------------------------------------------------------------------------


def new_password() -> str:
    """192 random bits, URL-safe characters (nothing to quote in JAAS or properties)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class KafkaCredentials:
    """The passwords of the stack's own principals (admin, the nodes, the services)."""

    passwords: Mapping[str, str] = field(repr=False)
    mechanism: str = MECHANISM

    def password(self, principal: str) -> str:
        try:
            return self.passwords[principal]
        except KeyError:
            known = ", ".join(sorted(self.passwords))
            raise StackError(
                f"No Kafka principal {principal!r} in this stack; known: {known}"
            ) from None

    def access(self, bootstrap: str, principal: str = ADMIN) -> KafkaAccess:
        return KafkaAccess.sasl(
            bootstrap, principal, self.password(principal), mechanism=self.mechanism
        )

    def format_arguments(self) -> list[str]:
        """``--add-scram`` for every principal but the controller (PLAIN, not SCRAM)."""
        args: list[str] = []
        for name in sorted(self.passwords):
            if name != CONTROLLER:
                args += ["--add-scram", scram_format_argument(name, self.passwords[name])]
        return args


def stack_principals() -> tuple[str, ...]:
    return (ADMIN, BROKER, CONTROLLER, *SERVICE_PRINCIPALS)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by the owner only, atomically (never briefly wider)."""
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    tmp.replace(path)


def load_credentials(paths: StatePaths) -> KafkaCredentials | None:
    """The state folder's credentials; None when it has none (never started)."""
    try:
        data = json.loads(paths.kafka_credentials.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StackError(f"Cannot read {paths.kafka_credentials}: {exc}") from None
    return KafkaCredentials(dict(data["passwords"]), data.get("mechanism", MECHANISM))


def ensure_credentials(paths: StatePaths) -> KafkaCredentials:
    """The credentials, made on the first start and completed when a principal is new."""
    paths.kafka_dir.mkdir(parents=True, exist_ok=True)
    have = load_credentials(paths)
    passwords = dict(have.passwords) if have else {}
    missing = [p for p in stack_principals() if p not in passwords]
    if missing or (have is not None and _too_open(paths.kafka_credentials)):
        passwords.update({name: new_password() for name in missing})
        body = {"mechanism": MECHANISM, "passwords": passwords}
        _write_private(paths.kafka_credentials, json.dumps(body, indent=2) + "\n")
    return KafkaCredentials(passwords)


def _too_open(path: Path) -> bool:
    with contextlib.suppress(OSError):
        return bool(path.stat().st_mode & 0o077)
    return False


def jaas(
    module: str, username: str, password: str, *, users: Mapping[str, str] | None = None
) -> str:
    extra = "".join(f' user_{name}="{pw}"' for name, pw in (users or {}).items())
    return f'{module} required username="{username}" password="{password}"{extra};'


def listener_properties(
    client_address: str, controller_address: str, creds: KafkaCredentials
) -> dict[str, str]:
    """The listeners, their authentication and the authorizer of one node."""
    controller_pw = creds.password(CONTROLLER)
    scram_module = "org.apache.kafka.common.security.scram.ScramLoginModule"
    plain_module = "org.apache.kafka.common.security.plain.PlainLoginModule"
    client, ctrl = CLIENT_LISTENER.lower(), CONTROLLER_LISTENER.lower()
    return {
        "listeners": f"{CLIENT_LISTENER}://{client_address},"
        f"{CONTROLLER_LISTENER}://{controller_address}",
        "advertised.listeners": f"{CLIENT_LISTENER}://{client_address}",
        "controller.listener.names": CONTROLLER_LISTENER,
        "inter.broker.listener.name": CLIENT_LISTENER,
        "listener.security.protocol.map": f"{CONTROLLER_LISTENER}:SASL_PLAINTEXT,"
        f"{CLIENT_LISTENER}:SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": MECHANISM,
        "sasl.mechanism.inter.broker.protocol": MECHANISM,
        "sasl.mechanism.controller.protocol": "PLAIN",
        f"listener.name.{client}.sasl.enabled.mechanisms": MECHANISM,
        # The node's own login for replication; clients are checked against the SCRAM
        # credentials in the metadata.
        f"listener.name.{client}.{MECHANISM.lower()}.sasl.jaas.config": jaas(
            scram_module, BROKER, creds.password(BROKER)
        ),
        f"listener.name.{ctrl}.sasl.enabled.mechanisms": "PLAIN",
        # One static user: the login nodes use and the only account the listener knows.
        f"listener.name.{ctrl}.plain.sasl.jaas.config": jaas(
            plain_module, CONTROLLER, controller_pw, users={CONTROLLER: controller_pw}
        ),
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": ";".join(user(name) for name in SUPER_USERS),
    }


# --- provisioning (as admin, at every `up`) ------------------------------------------


def _managed(acl: Acl) -> bool:
    principal = acl.principal.removeprefix("User:")
    return principal in SERVICE_PRINCIPALS or principal == BROKER


async def provision(
    admin: KafkaAdmin,
    creds: KafkaCredentials,
    *,
    replication: int,
    min_insync: int,
    partitions: int | None = None,
    reset_passwords: bool = False,
) -> None:
    """Credentials, ACLs and topics as declared, before any service starts.

    Idempotent: adds the SCRAM credentials missing (every one in ``creds`` but the
    controller's, or all of them again with ``reset_passwords``), adds the ACLs missing,
    removes service/node ACLs no longer declared (an agency's are left alone), creates
    the topics that do not exist.
    """
    scram_principals = sorted(p for p in creds.passwords if p != CONTROLLER)
    have = {} if reset_passwords else await admin.scram_users(scram_principals)
    for name in scram_principals:
        if name not in have:
            await admin.upsert_scram(name, creds.password(name), SCRAM)
    wanted = platform_acls()
    existing = [a for a in await admin.describe_acls(AclFilter()) if _managed(a)]
    stale = [a for a in existing if a not in set(wanted)]
    await admin.create_acls([a for a in wanted if a not in set(existing)])
    if stale:
        await admin.delete_acls([AclFilter.exactly(a) for a in stale])
    specs = platform_topics(SERVICE_PRINCIPALS, *([partitions] if partitions else []))
    await ensure_topics(
        admin.access,
        specs,
        replication=replication,
        min_insync=min_insync,
        client_id="chidao-stack",
    )
    await admin.wait_scram(scram_principals)
    await admin.wait_acls(present=wanted, absent=stale)
