"""``python -m chidao.stack.kafka_setup``: a deployment's Kafka made ready, as its admin.

What ``chidao up`` does for the local stack (``kafka_security.provision``), for a broker
it does not run (docker-compose.yml's ``kafka-setup`` service): the services' SCRAM
credentials, the platform's ACLs, every declared topic. It connects with the KAFKA_*
variables (the compose file: ``admin`` over SASL/PLAIN on the brokers' internal admin
listener, since no SCRAM credential exists yet on a new cluster), and sets each
principal's password from the environment:

- ``KAFKA_ADMIN_SCRAM_PASSWORD``: admin's SCRAM credential, for tools outside (optional);
- ``<SERVICE>_KAFKA_PASSWORD``: each service's (required).

Passwords are set again on every run, so changing one in the environment and running
this again rotates it. Nothing is printed but what was done.
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiokafka.errors import KafkaError
from pydantic import SecretStr

from chidao.stack.kafka_admin import KafkaAdminError, kafka_admin
from chidao.stack.kafka_security import ADMIN, SERVICE_PRINCIPALS, KafkaCredentials, provision
from shared.messaging.kafka_client import KafkaAccess


def _passwords(env: dict[str, str]) -> dict[str, str]:
    passwords = {}
    missing = []
    for service in SERVICE_PRINCIPALS:
        value = env.get(f"{service.upper()}_KAFKA_PASSWORD", "")
        if value:
            passwords[service] = value
        else:
            missing.append(f"{service.upper()}_KAFKA_PASSWORD")
    if missing:
        raise SystemExit(f"kafka_setup: set {', '.join(missing)}")
    if env.get("KAFKA_ADMIN_SCRAM_PASSWORD"):
        passwords[ADMIN] = env["KAFKA_ADMIN_SCRAM_PASSWORD"]
    return passwords


def _admin_access(env: dict[str, str]) -> KafkaAccess:
    try:
        return KafkaAccess(
            env.get("KAFKA_BOOTSTRAP_SERVERS", "kafka:9094"),
            env.get("KAFKA_USERNAME", ADMIN),
            SecretStr(env.get("KAFKA_PASSWORD", "")),
            env.get("KAFKA_SECURITY_PROTOCOL") or "SASL_PLAINTEXT",
            env.get("KAFKA_SASL_MECHANISM", "PLAIN").upper(),
        )
    except ValueError as exc:
        raise SystemExit(f"kafka_setup: {exc}") from None


async def run(env: dict[str, str]) -> None:
    creds = KafkaCredentials(_passwords(env))
    async with kafka_admin(_admin_access(env)) as admin:
        await provision(
            admin,
            creds,
            replication=int(env.get("KAFKA_REPLICATION_FACTOR", "1")),
            min_insync=int(env.get("KAFKA_MIN_INSYNC_REPLICAS", "1")),
            partitions=int(env.get("CHIDAO_TOPIC_PARTITIONS", "6")),
            reset_passwords=True,
        )
    print(f"kafka_setup: credentials of {', '.join(sorted(creds.passwords))}, ACLs and topics set")


def main() -> None:
    try:
        asyncio.run(run(dict(os.environ)))
    except (KafkaAdminError, KafkaError, OSError) as exc:
        print(f"kafka_setup: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
