"""A thousand poison messages among valid events: each poison dead-lettered on its own,
every valid event handled, nothing skipped silently."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid

import httpx
from aiokafka import AIOKafkaProducer

from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope, kafka_headers, publisher_source
from shared.contracts.events import TOPIC_DIRECTIVES, DirectiveIssued, dlq_topic
from shared.contracts.values import Assignment, DirectiveContent, DocType, UnitRef
from shared.messaging.kafka_client import client_kwargs
from tests.chaos.conftest import AGENCY, ChaosStack, tasks_of
from tests.integration.kafka_tools import Record, read_topic

POISON = 1000
VALID = 20


def _issued() -> Envelope:
    event = DirectiveIssued(
        agency=AGENCY,
        directive_id=uuid.uuid4(),
        reference="88/TB-SXD",
        issued_at=dt.datetime(2020, 5, 4, 9, tzinfo=VN_TZ),
        content=DirectiveContent(
            doc_type=DocType.NOTICE,
            subject="Giữa những tin nhắn hỏng",
            date=dt.date(2020, 5, 4),
            assignments=(
                Assignment(lead_unit=UnitRef(code="VP", name="Văn phòng Sở"), action="Vẫn làm"),
            ),
        ),
    )
    return Envelope(event=event, source=publisher_source(DirectiveIssued))


def _poison(i: int, marker: str) -> tuple[bytes | None, list[tuple[str, bytes]]]:
    """Four kinds, in turn: a header that is not UTF-8, an empty value, an oversized
    value, no CloudEvents headers at all."""
    good = _issued()
    headers = [*kafka_headers(good.headers()), ("chaos_marker", marker.encode())]
    kind = i % 4
    if kind == 0:
        return good.value(), [*headers, ("x-note", b"\xff\xfe\xfd")]
    if kind == 1:
        return b"", headers
    if kind == 2:
        return b'{"agency": "' + b"x" * 100_000 + b'"}', headers
    return good.value(), [("chaos_marker", marker.encode())]


async def test_a_thousand_poison_messages_among_valid_events(chaos: ChaosStack) -> None:
    marker = str(uuid.uuid4())
    valid = [_issued() for _ in range(VALID)]
    producer = AIOKafkaProducer(
        **client_kwargs(chaos.kafka), linger_ms=20, max_request_size=2 * 1024 * 1024
    )
    await producer.start()
    started = time.monotonic()
    try:
        sends = []
        per_valid = POISON // VALID
        for v, envelope in enumerate(valid):
            for i in range(v * per_valid, (v + 1) * per_valid):
                value, headers = _poison(i, marker)
                key = str(i % 12).encode()  # spread over every partition
                sends.append(
                    await producer.send(TOPIC_DIRECTIVES, value=value, key=key, headers=headers)
                )
            sends.append(
                await producer.send(
                    TOPIC_DIRECTIVES,
                    value=envelope.value(),
                    key=envelope.subject.encode(),
                    headers=kafka_headers(envelope.headers()),
                )
            )
        for future in sends:
            await future
    finally:
        await producer.stop()

    ids = {str(e.event.directive_id) for e in valid if isinstance(e.event, DirectiveIssued)}
    async with httpx.AsyncClient(timeout=30) as http:
        while True:
            tasks = await tasks_of(chaos, http)
            ours = [t for t in tasks if t["directive_id"] in ids]
            if len(ours) >= VALID:
                break
            assert time.monotonic() - started < 180, f"{len(ours)} of {VALID} valid handled"
            await asyncio.sleep(1)

    def marked(records: list[Record]) -> list[Record]:
        return [r for r in records if r.headers.get("chaos_marker") == marker]

    dead = {}
    for service in ("tasks", "reporting"):  # both consume chidao.directives.v1
        dead[service] = marked(
            await read_topic(
                chaos.kafka,
                dlq_topic(service),
                lambda rs: len(marked(rs)) >= POISON,
                timeout=180,
            )
        )
    seconds = time.monotonic() - started
    print(
        f"\npoison: in {POISON} poison + {VALID} valid directive.issued -> "
        f"{len(ours)} tasks; dead letters tasks {len(dead['tasks'])}, "
        f"reporting {len(dead['reporting'])}; {seconds:.1f} s"
    )
    assert len(ours) == VALID
    for service, letters in dead.items():
        assert len(letters) == POISON, f"{service}: {len(letters)} dead letters"
        sources = {
            (r.headers["dlq_source_partition"], r.headers["dlq_source_offset"]) for r in letters
        }
        assert len(sources) == POISON, f"{service}: a poison message dead-lettered twice"
