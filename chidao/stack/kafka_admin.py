"""Kafka's ACL and SCRAM administration from Python, over the Kafka protocol.

aiokafka's admin client has no calls for these, and its ACL request classes build a
single binding each; Kafka's own command-line tools start a JVM per call (seconds). So
this module speaks the five requests itself, on aiokafka's connection (SASL included):

- CreateAcls v1, DescribeAcls v1, DeleteAcls v1 (Kafka 4.1 accepts versions 1-3; v1 is
  the last one without flexible encoding, and aiokafka ships its schemas);
- AlterUserScramCredentials v0 and DescribeUserScramCredentials v0 (flexible encoding;
  schemas written here from Kafka's AlterUserScramCredentialsRequest.json and
  DescribeUserScramCredentialsRequest.json).

A SCRAM credential travels as salt and salted password (PBKDF2-HMAC over the password),
as Kafka's own admin client sends it: never the password itself. The brokers apply what
the controller commits a moment later, so `wait_acls`/`wait_login` poll every broker
until a change is in force there.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import enum
import hashlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import for_code
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest_v1,
)
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from shared.messaging.kafka_client import KafkaAccess, client_kwargs

log = logging.getLogger(__name__)

SCRAM_ITERATIONS = 8192  # Kafka accepts 4096..16384 for SCRAM-SHA-512


class ResourceType(enum.IntEnum):
    ANY = 1
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5


class PatternType(enum.IntEnum):
    ANY = 1
    MATCH = 2
    LITERAL = 3
    PREFIXED = 4


class Operation(enum.IntEnum):
    ANY = 1
    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    CLUSTER_ACTION = 9
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12


class Permission(enum.IntEnum):
    ANY = 1
    DENY = 2
    ALLOW = 3


class ScramMechanism(enum.IntEnum):
    SCRAM_SHA_256 = 1
    SCRAM_SHA_512 = 2

    @property
    def kafka_name(self) -> str:
        return self.name.replace("_", "-")

    @property
    def digest(self) -> str:
        return "sha256" if self is ScramMechanism.SCRAM_SHA_256 else "sha512"

    @classmethod
    def named(cls, name: str) -> ScramMechanism:
        return cls[name.upper().replace("-", "_")]


@dataclass(frozen=True, order=True)
class Acl:
    """One binding: ``principal`` may (or may not) do ``operation`` on the resource."""

    resource_type: ResourceType
    resource_name: str
    pattern: PatternType
    principal: str
    operation: Operation
    permission: Permission = Permission.ALLOW
    host: str = "*"

    def describe(self) -> str:
        pattern = "" if self.pattern is PatternType.LITERAL else f" ({self.pattern.name.lower()})"
        return (
            f"{self.principal} {self.permission.name} {self.operation.name} "
            f"{self.resource_type.name} {self.resource_name}{pattern}"
        )


@dataclass(frozen=True)
class AclFilter:
    """Which bindings a describe or delete matches; None matches any value."""

    resource_type: ResourceType = ResourceType.ANY
    resource_name: str | None = None
    pattern: PatternType = PatternType.ANY
    principal: str | None = None
    operation: Operation = Operation.ANY
    permission: Permission = Permission.ANY
    host: str | None = None

    @classmethod
    def exactly(cls, acl: Acl) -> AclFilter:
        return cls(
            acl.resource_type,
            acl.resource_name,
            acl.pattern,
            acl.principal,
            acl.operation,
            acl.permission,
            acl.host,
        )

    def row(self) -> tuple[int, str | None, int, str | None, str | None, int, int]:
        return (
            int(self.resource_type),
            self.resource_name,
            int(self.pattern),
            self.principal,
            self.host,
            int(self.operation),
            int(self.permission),
        )


class KafkaAdminError(RuntimeError):
    """The broker refused an administrative request; the message says which and why."""


def salted_password(
    password: str, salt: bytes, iterations: int, mechanism: ScramMechanism
) -> bytes:
    """SCRAM's Hi(password, salt, i) (RFC 5802): what Kafka stores keys from."""
    return hashlib.pbkdf2_hmac(mechanism.digest, password.encode(), salt, iterations)


def scram_format_argument(
    user: str,
    password: str,
    *,
    mechanism: ScramMechanism = ScramMechanism.SCRAM_SHA_512,
    iterations: int = SCRAM_ITERATIONS,
    salt: bytes | None = None,
) -> str:
    """An ``--add-scram`` argument of ``kafka-storage format``, with salt and salted
    password (base64) instead of the password, so the password is on no command line."""
    salt = salt if salt is not None else secrets.token_bytes(24)
    salted = salted_password(password, salt, iterations, mechanism)
    return (
        f"{mechanism.kafka_name}=[name={user},iterations={iterations},"
        f'salt="{base64.b64encode(salt).decode()}",'
        f'saltedpassword="{base64.b64encode(salted).decode()}"]'
    )


# --- the SCRAM requests (flexible versions: compact strings, tagged fields) ----------


class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user_name", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]  # aiokafka is untyped
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("tags", TaggedFields),
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class DescribeUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 50
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("error_code", Int16),
        ("error_message", CompactString("utf-8")),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                (
                    "credential_infos",
                    CompactArray(
                        ("mechanism", Int8),
                        ("iterations", Int32),
                        ("tags", TaggedFields),
                    ),
                ),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class DescribeUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]  # aiokafka is untyped
    FLEXIBLE_VERSION = True
    API_KEY = 50
    API_VERSION = 0
    RESPONSE_TYPE = DescribeUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        ("users", CompactArray(("name", CompactString("utf-8")), ("tags", TaggedFields))),
        ("tags", TaggedFields),
    )


# aiokafka sends `Request` builders (the version is negotiated per connection); each of
# these has the one version this module speaks.


class _AlterScram(Request[AlterUserScramCredentialsRequest_v0]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 51

    def __init__(self, deletions: list[tuple[Any, ...]], upsertions: list[tuple[Any, ...]]):
        self.deletions, self.upsertions = deletions, upsertions

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        return request_struct_class(self.deletions, self.upsertions, {})


class _DescribeScram(Request[DescribeUserScramCredentialsRequest_v0]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 50

    def __init__(self, users: list[str] | None):
        self.users = users

    def build(
        self, request_struct_class: type[DescribeUserScramCredentialsRequest_v0]
    ) -> DescribeUserScramCredentialsRequest_v0:
        users: list[tuple[str, dict[int, bytes]]] | None = (
            None if self.users is None else [(u, {}) for u in self.users]
        )
        return request_struct_class(users, {})


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 30

    def __init__(self, acls: Sequence[Acl]):
        self.acls = acls

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(
            [
                (
                    int(a.resource_type),
                    a.resource_name,
                    int(a.pattern),
                    a.principal,
                    a.host,
                    int(a.operation),
                    int(a.permission),
                )
                for a in self.acls
            ]
        )


class _DescribeAcls(Request[DescribeAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 29

    def __init__(self, where: AclFilter):
        self.where = where

    def build(self, request_struct_class: type[DescribeAclsRequest_v1]) -> DescribeAclsRequest_v1:
        return request_struct_class(*self.where.row())


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]  # aiokafka is untyped
    API_KEY = 31

    def __init__(self, filters: Sequence[AclFilter]):
        self.filters = filters

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class([f.row() for f in self.filters])


def _check(code: int, message: str | None, what: str) -> None:
    if code:
        name = for_code(code).__name__
        raise KafkaAdminError(f"{what}: {name}{f' ({message})' if message else ''}")


class KafkaAdmin:
    """An administrative connection to the cluster (as a super user, normally)."""

    def __init__(self, access: KafkaAccess, request_timeout_ms: int = 15000) -> None:
        self.access = access
        self.client = AIOKafkaClient(
            **client_kwargs(access),
            client_id="chidao-admin",
            request_timeout_ms=request_timeout_ms,
        )

    async def start(self) -> None:
        await self.client.bootstrap()

    async def close(self) -> None:
        await self.client.close()

    def brokers(self) -> list[int]:
        return sorted(int(b.nodeId) for b in self.client.cluster.brokers())

    def broker_addresses(self) -> list[str]:
        return sorted(f"{b.host}:{b.port}" for b in self.client.cluster.brokers())

    async def _send(self, request: Request[Any], node: int | None = None) -> Any:
        target = node if node is not None else self.client.get_random_node()
        if target is None:
            raise KafkaAdminError("no Kafka broker is known to send the request to")
        return await self.client.send(target, request)

    # --- SCRAM credentials ----------------------------------------------------------

    async def upsert_scram(
        self,
        user: str,
        password: str,
        mechanism: ScramMechanism = ScramMechanism.SCRAM_SHA_512,
        iterations: int = SCRAM_ITERATIONS,
    ) -> None:
        """Create the user's credential, or replace it (a new password)."""
        salt = secrets.token_bytes(24)
        salted = salted_password(password, salt, iterations, mechanism)
        row: tuple[Any, ...] = (user, int(mechanism), iterations, salt, salted, {})
        response = await self._send(_AlterScram([], [row]))
        for name, code, message, _ in response.results:
            _check(code, message, f"setting the SCRAM credential of {name}")

    async def delete_scram(
        self, user: str, mechanism: ScramMechanism = ScramMechanism.SCRAM_SHA_512
    ) -> bool:
        """Remove the user's credential; False when there was none."""
        response = await self._send(_AlterScram([(user, int(mechanism), {})], []))
        for name, code, message, _ in response.results:
            if code == 91:  # RESOURCE_NOT_FOUND: no such credential
                return False
            _check(code, message, f"deleting the SCRAM credential of {name}")
        return True

    async def scram_users(
        self, users: Iterable[str] | None = None, node: int | None = None
    ) -> dict[str, list[str]]:
        """User name -> its SCRAM mechanisms (every user, or those asked for that exist)."""
        wanted = None if users is None else list(users)
        response = await self._send(_DescribeScram(wanted), node)
        _check(response.error_code, response.error_message, "listing SCRAM users")
        found: dict[str, list[str]] = {}
        for user, code, message, infos, _ in response.results:
            if code == 91:  # RESOURCE_NOT_FOUND: a user asked for has no credential
                continue
            _check(code, message, f"describing the SCRAM credential of {user}")
            found[user] = [ScramMechanism(info[0]).kafka_name for info in infos]
        return found

    # --- ACLs -------------------------------------------------------------------------

    async def create_acls(self, acls: Sequence[Acl]) -> None:
        """Add the bindings (adding one that exists changes nothing)."""
        if not acls:
            return
        response = await self._send(_CreateAcls(acls))
        for acl, (code, message) in zip(acls, response.creation_responses, strict=True):
            _check(code, message, f"creating ACL {acl.describe()}")

    async def describe_acls(
        self, where: AclFilter | None = None, node: int | None = None
    ) -> list[Acl]:
        response = await self._send(_DescribeAcls(where or AclFilter()), node)
        _check(response.error_code, response.error_message, "describing ACLs")
        return sorted(
            Acl(
                ResourceType(rtype),
                name,
                PatternType(pattern),
                principal,
                Operation(operation),
                Permission(permission),
                host,
            )
            for rtype, name, pattern, acls in response.resources
            for principal, host, operation, permission in acls
        )

    async def delete_acls(self, filters: Sequence[AclFilter]) -> list[Acl]:
        """Remove every binding matching any filter; returns those removed."""
        if not filters:
            return []
        response = await self._send(_DeleteAcls(filters))
        removed: list[Acl] = []
        for code, message, matching in response.filter_responses:
            _check(code, message, "deleting ACLs")
            for row in matching:
                acl_code, acl_message, rtype, name, pattern, principal, host, op, perm = row
                _check(acl_code, acl_message, f"deleting ACL on {name}")
                removed.append(
                    Acl(
                        ResourceType(rtype),
                        name,
                        PatternType(pattern),
                        principal,
                        Operation(op),
                        Permission(perm),
                        host,
                    )
                )
        return removed

    async def wait_acls(
        self,
        present: Iterable[Acl] = (),
        absent: Iterable[Acl] = (),
        principal: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        """Until every broker's authorizer has ``present`` and none of ``absent``."""
        want, gone = set(present), set(absent)
        deadline = time.monotonic() + timeout
        while True:
            lagging = []
            for node in self.brokers():
                have = set(await self.describe_acls(AclFilter(principal=principal), node))
                if not want <= have or gone & have:
                    lagging.append(node)
            if not lagging:
                return
            if time.monotonic() > deadline:
                raise KafkaAdminError(
                    f"ACL changes not in force on broker(s) {lagging} after {timeout:.0f} s"
                )
            await asyncio.sleep(0.1)

    async def wait_scram(
        self, users: Iterable[str] = (), absent: Iterable[str] = (), timeout: float = 30.0
    ) -> None:
        """Until every broker knows the credentials of ``users`` and none of ``absent``."""
        want, gone = set(users), set(absent)
        deadline = time.monotonic() + timeout
        while True:
            lagging = []
            for node in self.brokers():
                have = set(await self.scram_users(None, node))
                if not want <= have or gone & have:
                    lagging.append(node)
            if not lagging:
                return
            if time.monotonic() > deadline:
                raise KafkaAdminError(
                    f"SCRAM changes not in force on broker(s) {lagging} after {timeout:.0f} s"
                )
            await asyncio.sleep(0.1)


async def can_log_in(access: KafkaAccess, timeout: float = 5.0) -> bool:
    """Whether ``access`` authenticates and gets a metadata answer from its bootstrap."""
    client = AIOKafkaClient(**client_kwargs(access), request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        return True
    except Exception:  # refused, not yet known, unreachable: all "no"
        return False
    finally:
        with contextlib.suppress(Exception):
            await client.close()


async def wait_login(access: KafkaAccess, brokers: Sequence[str], timeout: float = 30.0) -> None:
    """Until ``access`` logs in on every broker (a new credential reaches each broker's
    cache a moment after the controller committed it)."""
    deadline = time.monotonic() + timeout
    pending = list(brokers)
    while pending:
        pending = [b for b in pending if not await can_log_in(access.with_bootstrap(b))]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise KafkaAdminError(f"{access.username} cannot log in on {pending} after {timeout} s")
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def kafka_admin(access: KafkaAccess) -> AsyncIterator[KafkaAdmin]:
    admin = KafkaAdmin(access)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()
