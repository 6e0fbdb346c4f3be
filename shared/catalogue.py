"""The event catalogue: an AsyncAPI 3.0 document of every public topic and event.

Generated from the same models as the JSON Schemas (`shared/contracts/events/`), not by
FastStream: its generator describes the subscribers a FastStream app declares, while
ours are plain aiokafka consumers behind the inbox, and it knows neither our CloudEvents
headers, nor who publishes what, nor the topics' keys and retention. Everything here
comes from the contracts, so the document cannot say something the code does not do:

- one channel per public topic, with the Kafka binding (partitions, retention, key);
- one message per event type: the CloudEvents 1.0 binary-mode headers of
  `shared.contracts.envelope` (`ce_type` and `ce_source` fixed per type), the key, the
  payload schema;
- one `send` operation per topic: the owning service publishes it (`PUBLISHERS`);
- the servers and their security: SASL/SCRAM-SHA-512, over TLS outside one machine.

`contracts/asyncapi.yaml` is this document, written by `chidao contracts`; a test checks
it is current and valid against the AsyncAPI 3.0.0 JSON Schema. Every service serves
it at `GET /v1/asyncapi.yaml`, publicly like `/openapi.json` (docs/event-catalogue.md).
"""

from __future__ import annotations

import functools
from typing import Any

import yaml
from fastapi import APIRouter, Response
from pydantic.json_schema import models_json_schema

from shared.contracts.envelope import (
    CONTENT_TYPE,
    REQUIRED_HEADERS,
    SPEC_VERSION,
    publisher_source,
)
from shared.contracts.events import ALL_EVENTS, PUBLIC_TOPICS, PUBLISHERS, Event
from shared.messaging.topics import TOPIC_PARTITIONS

ASYNCAPI_VERSION = "3.0.0"
# The catalogue's own version: the major is the `.v1` of the topics and types; raise
# the minor when an event gains an optional field.
CATALOGUE_VERSION = "1.0.0"
KAFKA_BINDING = "0.5.0"
MEDIA_TYPE = "application/yaml"
SCRAM = "#/components/securitySchemes/scramSha512"
HEADERS = "#/components/schemas/CloudEventHeaders"

DESCRIPTION = """\
The public events of chidao (directives, tasks, inspections, annual reports of
Vietnamese provincial departments), for other agencies that subscribe to them.

- **Access**: read-only. The platform's operator creates your principal with
  `chidao agency add NAME [--topics ...]` and gives you its user name (`agency-NAME`),
  its password and the brokers' CA certificate. Your consumer groups must start with
  `agency-NAME.`; nothing else is allowed (no writes, no dead-letter topic).
- **Envelope**: CloudEvents 1.0 in Kafka binary mode: the attributes are `ce_*`
  headers (UTF-8), the event is the JSON value, `ce_type` names its schema.
- **Order**: the key is the aggregate id (`ce_subject`); the events of one aggregate
  are in order, on one partition. Nothing is ordered across aggregates.
- **Delivery**: at least once. Deduplicate on `ce_id`.
- **Retention**: forever. A new subscriber can read every topic from the beginning.
- **Evolution**: a `.v1` type only gains optional fields; ignore fields you do not
  know. Anything else is a new type (`.v2`), announced here and published alongside
  the old one for a transition period. The platform's tests refuse any other change
  to a released schema.
- **Tracing**: `traceparent` (W3C Trace Context), when present, is the trace that
  caused the event; carry it on to join the platform's traces.
"""

TOPIC_DESCRIPTIONS = {
    "chidao.org.v1": "Each agency's unit directory (the latest is the current one).",
    "chidao.directives.v1": "Directives issued and revoked.",
    "chidao.tasks.v1": "Every transition of every task a directive or a violation gives.",
    "chidao.inspections.v1": "Inspections completed, violations recorded and resolved.",
    "chidao.reports.v1": "Annual reports due and submitted.",
}


def _headers_schema() -> dict[str, Any]:
    """The CloudEvents headers every public event carries (Envelope.headers)."""
    text: dict[str, Any] = {"type": "string"}
    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes as Kafka headers (binary content mode), "
        "values UTF-8. A message without a required one is not a chidao event.",
        "required": [*REQUIRED_HEADERS, "ce_subject", "content-type"],
        "properties": {
            "ce_id": {
                **text,
                "format": "uuid",
                "description": "Unique per event: deduplicate on it (delivery is at least once).",
            },
            "ce_source": {**text, "description": "`chidao/<service>`: the publishing service."},
            "ce_type": {**text, "description": "The event type, which names its schema."},
            "ce_specversion": {**text, "const": SPEC_VERSION},
            "ce_time": {
                **text,
                "format": "date-time",
                "description": "When the event was recorded (ISO 8601, with offset).",
            },
            "ce_subject": {**text, "description": "The aggregate id, the same as the key."},
            "content-type": {**text, "const": CONTENT_TYPE},
            "traceparent": {
                **text,
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "description": "W3C Trace Context of the trace that caused the event.",
            },
        },
    }


def _message(event: type[Event], payload_ref: str, key_schema: dict[str, Any]) -> dict[str, Any]:
    service = PUBLISHERS[event.topic]
    doc = (event.__doc__ or "").strip()
    return {
        "name": event.__name__,
        "title": event.ce_type,
        "summary": doc.splitlines()[0] if doc else f"{event.__name__}, by {service}.",
        "contentType": CONTENT_TYPE,
        "headers": {
            "allOf": [
                {"$ref": HEADERS},
                {
                    "properties": {
                        "ce_type": {"const": event.ce_type},
                        "ce_source": {"const": publisher_source(event)},
                    }
                },
            ]
        },
        "payload": {"$ref": payload_ref},
        "bindings": {"kafka": {"key": key_schema, "bindingVersion": KAFKA_BINDING}},
        "tags": [{"name": service}],
    }


def document() -> dict[str, Any]:
    """The AsyncAPI document, as plain data (the same every call)."""
    refs, definitions = models_json_schema(
        [(e, "serialization") for e in ALL_EVENTS],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = {"CloudEventHeaders": _headers_schema(), **definitions["$defs"]}
    messages: dict[str, Any] = {}
    for event in ALL_EVENTS:
        ref = refs[(event, "serialization")]["$ref"]
        payload = schemas[ref.rsplit("/", 1)[1]]
        key = payload["properties"][event.key_field]
        key_schema = {k: v for k, v in key.items() if k in ("type", "format")}
        key_schema["description"] = f"`{event.key_field}`: events with one key stay in order."
        messages[event.ce_type] = _message(event, ref, key_schema)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in PUBLIC_TOPICS:
        types = [e.ce_type for e in ALL_EVENTS if e.topic == topic]
        channels[topic] = {
            "address": topic,
            "title": topic,
            "description": f"{TOPIC_DESCRIPTIONS[topic]} Published by the "
            f"{PUBLISHERS[topic]} service only.",
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in types},
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "partitions": TOPIC_PARTITIONS,
                    "topicConfiguration": {"cleanup.policy": ["delete"], "retention.ms": -1},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
        }
        operations[f"{PUBLISHERS[topic]}.send.{topic}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic}"},
            "title": f"{PUBLISHERS[topic]} publishes {topic}",
            "messages": [{"$ref": f"#/channels/{topic}/messages/{t}"} for t in types],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "chidao public events",
            "version": CATALOGUE_VERSION,
            "description": DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": _servers(),
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "scramSha512": {
                    "type": "scramSha512",
                    "description": "SASL/SCRAM-SHA-512 with the principal `agency-NAME` "
                    "and the password the operator gave you (`chidao agency add`). "
                    "Over TLS (SASL_SSL) on every listener reachable from another machine.",
                }
            },
        },
    }


def _servers() -> dict[str, Any]:
    security = [{"$ref": SCRAM}]
    return {
        "production": {
            "host": "{bootstrap}",
            "protocol": "kafka-secure",
            "title": "A deployment's Kafka cluster",
            "description": "SASL_SSL: SCRAM-SHA-512 over TLS. Trust the CA certificate "
            "the operator gives you with your credentials.",
            "variables": {
                "bootstrap": {
                    "description": "host:port of the brokers' client listener, from the "
                    "operator (`chidao agency add` prints it).",
                    "examples": ["kafka-1.chidao.example:9092"],
                }
            },
            "security": security,
        },
        "compose": {
            "host": "localhost:29092",
            "protocol": "kafka-secure",
            "title": "docker-compose.yml on this machine",
            "description": "SASL_SSL: SCRAM-SHA-512 over TLS; the CA is "
            "deploy/kafka-tls/out/ca.crt.",
            "security": security,
        },
        "local": {
            "host": "127.0.0.1:9092",
            "protocol": "kafka",
            "title": "The local stack (`chidao up`)",
            "description": "SASL_PLAINTEXT: SCRAM-SHA-512 on the loopback interface only.",
            "security": security,
        },
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # no &id001 anchors: every part reads on its own


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line descriptions as literal blocks: readable in the committed file.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)

HEADER = (
    "# The chidao event catalogue (AsyncAPI 3.0), generated by `chidao contracts` from\n"
    "# shared/contracts/events/: do not edit. Served at GET /v1/asyncapi.yaml.\n"
)


@functools.cache
def render() -> str:
    body = yaml.dump(document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


router = APIRouter(tags=["operations"])


@router.get(
    "/v1/asyncapi.yaml",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}, "description": "AsyncAPI 3.0 document"}},
)
async def asyncapi() -> Response:
    """The event catalogue: every public topic, message, header and schema (AsyncAPI
    3.0). Public, like this API's own OpenAPI document: it holds no data."""
    return Response(content=render(), media_type=MEDIA_TYPE)
