"""Who a Kafka client is, in one place: every producer, consumer and admin client of the
platform is made from a `KafkaAccess` (bootstrap servers plus credentials).

    access = kafka_access(settings)                  # a service: its own principal
    AIOKafkaConsumer(**client_kwargs(access), enable_auto_commit=False)
    KafkaBroker(access.servers, security=faststream_security(access))

The brokers of the local stack take SASL/SCRAM-SHA-512 only (`chidao/stack/kafka.py`);
each service has a principal of its own, and the ACLs give it only its own topics
(docs/kafka-security.md). The password is a `SecretStr`: a repr, a log line or an
exception shows `**********`, and only `client_kwargs` hands the plain value to the
client library.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

if TYPE_CHECKING:
    from faststream.security import BaseSecurity

    from shared.settings import ServiceSettings

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
DEFAULT_MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaAccess:
    """Bootstrap servers and the identity to present to them.

    ``security_protocol`` None means: SASL_PLAINTEXT when there is a user name,
    PLAINTEXT when there is none.
    """

    bootstrap_servers: str
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    security_protocol: str | None = None
    sasl_mechanism: str = DEFAULT_MECHANISM
    ssl_cafile: Path | None = None

    def __post_init__(self) -> None:
        protocol = self.protocol
        if protocol not in PROTOCOLS:
            raise ValueError(
                f"Kafka security protocol {protocol!r} is not one of {', '.join(PROTOCOLS)}"
            )
        if protocol.startswith("SASL_"):
            if self.sasl_mechanism not in MECHANISMS:
                raise ValueError(
                    f"SASL mechanism {self.sasl_mechanism!r} is not one of {', '.join(MECHANISMS)}"
                )
            if not self.username or self.password is None:
                raise ValueError(
                    f"Kafka security protocol {protocol} needs a user name and password"
                )

    @classmethod
    def sasl(
        cls,
        bootstrap_servers: str,
        username: str,
        password: str | SecretStr,
        *,
        mechanism: str = DEFAULT_MECHANISM,
        protocol: str = "SASL_PLAINTEXT",
        ssl_cafile: Path | None = None,
    ) -> KafkaAccess:
        secret = password if isinstance(password, SecretStr) else SecretStr(password)
        return cls(bootstrap_servers, username, secret, protocol, mechanism, ssl_cafile)

    @property
    def protocol(self) -> str:
        """The security protocol in force (the default resolved)."""
        if self.security_protocol:
            return self.security_protocol.upper()
        return "SASL_PLAINTEXT" if self.username else "PLAINTEXT"

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_ssl(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    @property
    def servers(self) -> list[str]:
        """The bootstrap servers as a list (FastStream reads a string as one host)."""
        return [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()]

    def with_bootstrap(self, bootstrap_servers: str) -> KafkaAccess:
        return replace(self, bootstrap_servers=bootstrap_servers)

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.uses_ssl:
            return None
        context = ssl.create_default_context(
            cafile=str(self.ssl_cafile) if self.ssl_cafile else None
        )
        return context


def kafka_access(settings: ServiceSettings) -> KafkaAccess:
    """A service's access from its settings (KAFKA_BOOTSTRAP_SERVERS, KAFKA_USERNAME,
    KAFKA_PASSWORD, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SSL_CAFILE)."""
    return KafkaAccess(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        username=settings.kafka_username or None,
        password=settings.kafka_password,
        security_protocol=settings.kafka_security_protocol or None,
        sasl_mechanism=settings.kafka_sasl_mechanism.upper(),
        ssl_cafile=settings.kafka_ssl_cafile,
    )


def client_kwargs(access: KafkaAccess) -> dict[str, Any]:
    """Keyword arguments for aiokafka's producer, consumer, admin and low-level clients:
    the bootstrap servers and the security settings, nothing else."""
    kwargs: dict[str, Any] = {
        "bootstrap_servers": access.bootstrap_servers,
        "security_protocol": access.protocol,
    }
    context = access.ssl_context()
    if context is not None:
        kwargs["ssl_context"] = context
    if access.uses_sasl:
        assert access.password is not None  # checked when the access was made
        kwargs["sasl_mechanism"] = access.sasl_mechanism
        kwargs["sasl_plain_username"] = access.username
        kwargs["sasl_plain_password"] = access.password.get_secret_value()
    return kwargs


def faststream_security(access: KafkaAccess) -> BaseSecurity | None:
    """The same identity as FastStream's ``KafkaBroker(security=...)`` takes it."""
    from faststream.security import (
        BaseSecurity,
        SASLPlaintext,
        SASLScram256,
        SASLScram512,
    )

    context = access.ssl_context()
    if not access.uses_sasl:
        return BaseSecurity(ssl_context=context, use_ssl=True) if context else None
    assert access.username is not None and access.password is not None
    kinds: dict[str, type[SASLScram512 | SASLScram256 | SASLPlaintext]] = {
        "SCRAM-SHA-512": SASLScram512,
        "SCRAM-SHA-256": SASLScram256,
        "PLAIN": SASLPlaintext,
    }
    return kinds[access.sasl_mechanism](
        access.username,
        access.password.get_secret_value(),
        ssl_context=context,
        use_ssl=access.uses_ssl,
    )
