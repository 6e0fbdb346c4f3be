"""Every topic of the platform, declared once, created before anything subscribes.

Brokers run with `auto.create.topics.enable=false`: a topic created by accident (a
subscriber's metadata request, a typo) gets the broker's defaults, one partition on
some setups, so a second replica of a service would have nothing to consume. Instead
each service, at start and before its consumer joins, makes sure the topics it uses
exist as declared here (creating is idempotent: "already exists" is success).

- Public topics: `TOPIC_PARTITIONS` partitions (default 6: up to six replicas of a
  service share the work; the key is the aggregate id, so one aggregate's events stay
  in order), kept forever (`retention.ms=-1`): the reporting read model and any
  agency's own can be rebuilt by replaying them from the start.
- Dead-letter topics, one per consuming service: kept 30 days, time enough to redrive.
- Replication and `min.insync.replicas` come from the deployment (1 on the local
  one-broker stack; 3 and 2 on a cluster, where a broker can die without loss).

On a secured cluster (docs/kafka-security.md) the local stack creates every topic as
its administrator before any service starts; a service then declares only the topics
it uses (`service_topics`): its own and its dead-letter topic, which its ACLs let it
create, and those it consumes, which must exist already.

An existing topic with fewer partitions than declared is left as it is and logged:
adding partitions moves keys to other partitions, which breaks per-aggregate order for
events already written, so it is an operator's decision, not a start-up side effect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, TopicAuthorizationFailedError, for_code

from shared.contracts.events import PUBLIC_TOPICS, PUBLISHERS, dlq_topic
from shared.messaging.kafka_client import KafkaAccess, client_kwargs

log = logging.getLogger(__name__)

TOPIC_PARTITIONS = 6
DLQ_PARTITIONS = 1
DLQ_RETENTION_MS = 30 * 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def platform_topics(
    dead_letter_services: Iterable[str], partitions: int = TOPIC_PARTITIONS
) -> list[TopicSpec]:
    public = [TopicSpec(t, partitions, {"retention.ms": "-1"}) for t in PUBLIC_TOPICS]
    dead = [
        TopicSpec(dlq_topic(s), DLQ_PARTITIONS, {"retention.ms": str(DLQ_RETENTION_MS)})
        for s in sorted(set(dead_letter_services))
    ]
    return public + dead


def service_topics(
    service: str, consumed: Iterable[str] = (), partitions: int = TOPIC_PARTITIONS
) -> list[TopicSpec]:
    """What one service uses: the public topics it owns or consumes, and its DLQ."""
    owned = {t for t, owner in PUBLISHERS.items() if owner == service}
    mine = owned | set(consumed) | {dlq_topic(service)}
    return [s for s in platform_topics([service], partitions) if s.name in mine]


async def ensure_topics(
    kafka: KafkaAccess,
    specs: Iterable[TopicSpec],
    *,
    replication: int = 1,
    min_insync: int = 1,
    client_id: str = "chidao-topics",
) -> list[str]:
    """Create the topics that do not exist yet; return the names created.

    A topic this principal may not create (another service's, under the ACLs) and that
    does not exist is an error naming it: whoever administers the cluster creates it.
    """
    admin = AIOKafkaAdminClient(**client_kwargs(kafka), client_id=client_id)
    await admin.start()
    try:
        wanted = {s.name: s for s in specs}
        existing = set(await admin.list_topics())
        missing = [s for name, s in wanted.items() if name not in existing]
        created: list[str] = []
        for spec in missing:
            config = {"min.insync.replicas": str(min_insync), **spec.config}
            response = await admin.create_topics(
                [NewTopic(spec.name, spec.partitions, replication, topic_configs=config)]
            )
            for error in response.topic_errors:
                code = error[1]
                if code == TopicAlreadyExistsError.errno:
                    continue  # another instance created it meanwhile: the same declaration
                if code == TopicAuthorizationFailedError.errno:
                    raise TopicAuthorizationFailedError(
                        f"topic {spec.name} does not exist and {kafka.username or 'this client'}"
                        " may not create it: the cluster's administrator creates it (the "
                        "local stack does at `chidao up`)"
                    )
                if code != 0:
                    message = error[2] if len(error) > 2 else ""
                    raise for_code(code)(f"creating topic {spec.name}: {message}")
                created.append(spec.name)
        present = [n for n in wanted if n not in created]
        if present:
            described = await admin.describe_topics(present)
            for topic in described:
                have = len(topic.get("partitions", ()))
                name = topic.get("topic")
                if name in wanted and have < wanted[name].partitions:
                    log.warning(
                        "topic %s has %d partitions, %d declared: left as it is",
                        name,
                        have,
                        wanted[name].partitions,
                    )
        if created:
            log.info("created topics: %s", ", ".join(created))
        return created
    finally:
        await admin.close()
