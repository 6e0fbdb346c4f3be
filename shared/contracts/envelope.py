"""CloudEvents 1.0 binary mode on Kafka.

The attributes travel as `ce_*` headers, the event data as the JSON value, the
aggregate id as the key. `traceparent` rides along so a consumer continues the trace
of whoever caused the event. Reading is strict: a message we cannot trust fails here
with a `PoisonMessage` that says why, and goes to the dead-letter topic.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import ValidationError

from shared.contracts.events import EVENTS_BY_TYPE, PUBLISHERS, Event

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time")


def new_event_id() -> str:
    """A random (version 4) UUID in its canonical text form, for `ce_id`.

    What `str(uuid.uuid4())` gives, at a quarter of its cost: one id per event
    published, and the UUID object it would build is thrown away at once."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class PoisonMessage(Exception):
    """A message that no retry can fix: bad headers, bad JSON, schema-invalid data."""


@dataclass(frozen=True)
class Envelope:
    event: Event
    id: str = field(default_factory=new_event_id)
    source: str = "chidao"
    time: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    traceparent: str | None = None
    # Where a consumed event was read from; None for an event not read from Kafka.
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None

    @property
    def type(self) -> str:
        return self.event.ce_type

    @property
    def subject(self) -> str:
        return self.event.key

    def headers(self) -> dict[str, str]:
        headers = {
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_specversion": SPEC_VERSION,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.subject,
            "content-type": CONTENT_TYPE,
        }
        if self.traceparent:
            headers["traceparent"] = self.traceparent
        return headers

    def value(self) -> bytes:
        return self.event.model_dump_json().encode()


def kafka_headers(headers: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in headers.items()]


def decode_headers(raw: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in raw:
        try:
            out[key] = value.decode() if value is not None else ""
        except UnicodeDecodeError as exc:
            raise PoisonMessage(f"header {key!r} is not UTF-8") from exc
    return out


def read_envelope(
    headers: dict[str, str],
    value: bytes | None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
) -> Envelope:
    """Validate headers and data; raise PoisonMessage naming the first problem. The
    record's position, when given, is kept in the envelope (built once: a replay reads
    a hundred thousand)."""
    missing = [h for h in REQUIRED_HEADERS if not headers.get(h)]
    if missing:
        raise PoisonMessage(f"missing CloudEvents headers: {', '.join(missing)}")
    if headers["ce_specversion"] != SPEC_VERSION:
        raise PoisonMessage(f"unsupported ce_specversion {headers['ce_specversion']!r}")
    model = EVENTS_BY_TYPE.get(headers["ce_type"])
    if model is None:
        raise UnknownEventType(headers["ce_type"])
    if value is None:
        raise PoisonMessage("empty message value")
    try:
        event = model.model_validate_json(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise PoisonMessage(
            f"{headers['ce_type']} does not match its schema: {where}: {first['msg']}"
        ) from exc
    try:
        time = dt.datetime.fromisoformat(headers["ce_time"])
    except ValueError as exc:
        raise PoisonMessage(f"ce_time is not an ISO timestamp: {headers['ce_time']!r}") from exc
    return Envelope(
        event=event,
        id=headers["ce_id"],
        source=headers["ce_source"],
        time=time,
        traceparent=headers.get("traceparent"),
        topic=topic,
        partition=partition,
        offset=offset,
    )


class UnknownEventType(Exception):
    """A type this build does not know: not poison for everyone, so callers decide."""

    def __init__(self, ce_type: str) -> None:
        super().__init__(f"unknown event type {ce_type!r}")
        self.ce_type = ce_type


def publisher_source(event_type: type[Event]) -> str:
    """The only `ce_source` an event type may come from: the service owning its topic."""
    return f"chidao/{PUBLISHERS[event_type.topic]}"


def check_provenance(envelope: Envelope, topic: str) -> None:
    """Accept an event only on its own topic and from the service that owns its type.

    ACLs keep outsiders from writing the topics at all; this keeps a misrouted event, or
    one replayed by the wrong producer (a redrive, a tool with too many rights), from
    being believed: a forged `org.directory_published` would replace a department's
    units, a forged `report.submitted` would enter the province's roll-up."""
    event_type = type(envelope.event)
    if topic != event_type.topic:
        raise PoisonMessage(f"{envelope.type} belongs on {event_type.topic}, not on {topic}")
    expected = publisher_source(event_type)
    if envelope.source != expected:
        raise PoisonMessage(
            f"{envelope.type} comes only from {expected}, not from {envelope.source!r}"
        )


class Record(Protocol):
    """What a Kafka record carries (aiokafka's `ConsumerRecord`, read-only)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...
    @property
    def value(self) -> bytes | None: ...


def envelope_of(record: Record) -> Envelope:
    """A record read as a checked envelope, the one way every reader does it (the live
    consumer, the reporting replay): PoisonMessage or UnknownEventType when it is not
    one to believe. What to do then is the reader's: dead-letter it, or skip it."""
    envelope = read_envelope(
        decode_headers(record.headers or ()),
        record.value,
        record.topic,
        record.partition,
        record.offset,
    )
    check_provenance(envelope, record.topic)
    return envelope
