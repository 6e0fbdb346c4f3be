"""Poison messages go to chidao.dlq.tasks with the reason; the partition moves on."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid

from aiokafka import AIOKafkaProducer

from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope, kafka_headers, publisher_source
from shared.contracts.events import TOPIC_DIRECTIVES, TOPIC_INSPECTIONS, DirectiveIssued, dlq_topic
from shared.contracts.values import Assignment, DirectiveContent, DocType, UnitRef
from shared.messaging.kafka_client import client_kwargs
from tests.integration.conftest import INJECTED, TEST_SOURCE, Platform
from tests.integration.helpers import get_all, wait_for_tasks
from tests.integration.kafka_tools import Record, produce, read_topic

DIRECTIVES = publisher_source(DirectiveIssued)  # what the consumers accept it from


def _issued(directive_id: uuid.UUID) -> DirectiveIssued:
    return DirectiveIssued(
        agency="sxd-thanhhoa",
        directive_id=directive_id,
        reference="99/TB-SXD",
        issued_at=dt.datetime(2020, 5, 4, 9, tzinfo=VN_TZ),
        content=DirectiveContent(
            doc_type=DocType.NOTICE,
            subject="Sau tin nhắn lỗi",
            date=dt.date(2020, 5, 4),
            assignments=(
                Assignment(
                    lead_unit=UnitRef(code="VP", name="Văn phòng Sở"), action="Vẫn được giao"
                ),
            ),
        ),
    )


async def test_malformed_and_schema_invalid_messages_are_dead_lettered(
    platform: Platform,
) -> None:
    key = str(uuid.uuid4()).encode()  # one key: all three land on the same partition
    good_id = uuid.uuid4()
    headers = Envelope(event=_issued(good_id), source=TEST_SOURCE).headers()
    malformed_id, invalid_id = str(uuid.uuid4()), str(uuid.uuid4())
    await produce(
        platform.kafka,
        TOPIC_DIRECTIVES,
        b"{not json at all",
        key,
        {**headers, "ce_id": malformed_id},
    )
    invalid = json.dumps({"agency": "sxd-thanhhoa", "reference": "x"}).encode()
    await produce(platform.kafka, TOPIC_DIRECTIVES, invalid, key, {**headers, "ce_id": invalid_id})
    good = Envelope(event=_issued(good_id), source=DIRECTIVES)
    await produce(
        platform.kafka, TOPIC_DIRECTIVES, good.value(), key, {**good.headers(), **INJECTED}
    )

    leader = platform.people.headers("leader")  # sees every task of the department
    async with platform.client() as http:
        tasks = await wait_for_tasks(http, platform.url("tasks"), str(good_id), 1, leader)
    assert tasks[0]["action"] == "Vẫn được giao"

    def ours(records: list[Record]) -> dict[str, Record]:
        return {
            r.headers["ce_id"]: r
            for r in records
            if r.headers.get("ce_id") in (malformed_id, invalid_id)
        }

    dead = ours(await read_topic(platform.kafka, dlq_topic("tasks"), lambda rs: len(ours(rs)) == 2))
    for record in dead.values():
        assert record.headers["dlq_source_topic"] == TOPIC_DIRECTIVES
        assert record.headers["dlq_source_partition"].isdigit()
        assert record.headers["dlq_source_offset"].isdigit()
        assert record.key == key
    assert "PoisonMessage" in dead[malformed_id].headers["dlq_error"]
    assert "does not match its schema" in dead[invalid_id].headers["dlq_error"]
    assert "directive_id" in dead[invalid_id].headers["dlq_error"]
    assert dead[malformed_id].value == b"{not json at all"


async def test_redrive_sends_dead_letters_back_once(platform: Platform) -> None:
    from chidao.dlq import read_all, redrive

    key = str(uuid.uuid4()).encode()
    poison_id = str(uuid.uuid4())
    headers = {
        **Envelope(event=_issued(uuid.uuid4()), source=TEST_SOURCE).headers(),
        "ce_id": poison_id,
    }
    await produce(platform.kafka, TOPIC_DIRECTIVES, b"still not json", key, headers)

    def copies(records: list[Record]) -> list[Record]:
        return [r for r in records if r.headers.get("ce_id") == poison_id]

    await read_topic(platform.kafka, dlq_topic("tasks"), lambda rs: len(copies(rs)) == 1)
    listed = await read_all(platform.kafka, "tasks")
    assert any(letter.headers.get("ce_id") == poison_id for letter in listed)
    assert await redrive(platform.kafka, "tasks") >= 1
    # Back on its source topic without the dlq_* headers; still poison, so it returns.
    source = copies(
        await read_topic(platform.kafka, TOPIC_DIRECTIVES, lambda rs: len(copies(rs)) == 2)
    )
    assert not any(k.startswith("dlq_") for k in source[1].headers)
    await read_topic(platform.kafka, dlq_topic("tasks"), lambda rs: len(copies(rs)) == 2)
    assert await redrive(platform.kafka, "tasks") >= 1  # only the new dead letter
    source = copies(
        await read_topic(platform.kafka, TOPIC_DIRECTIVES, lambda rs: len(copies(rs)) == 3)
    )
    assert len(source) == 3


async def test_a_header_that_is_not_utf8_costs_only_its_own_record(platform: Platform) -> None:
    """One undecodable header value used to make FastStream's batch parser drop the
    whole batch silently (lag 0, no tasks, no dead letters). Now the bad record alone
    is dead-lettered and the valid events sharing its batch are handled."""
    key = str(uuid.uuid4()).encode()  # one key: one partition, so one batch
    marker = str(uuid.uuid4())
    good = [Envelope(event=_issued(uuid.uuid4()), source=DIRECTIVES) for _ in range(3)]
    producer = AIOKafkaProducer(**client_kwargs(platform.kafka), linger_ms=200)
    await producer.start()
    try:
        sends = [
            await producer.send(
                TOPIC_DIRECTIVES,
                value=good[0].value(),
                key=key,
                headers=[
                    *kafka_headers({**good[0].headers(), **INJECTED}),
                    ("x-note", b"\xff\xfe bad"),
                ],
            )
        ]
        for envelope in good[1:]:
            headers = [
                *kafka_headers({**envelope.headers(), **INJECTED}),
                ("test_marker", marker.encode()),
            ]
            sends.append(
                await producer.send(
                    TOPIC_DIRECTIVES, value=envelope.value(), key=key, headers=headers
                )
            )
        await asyncio.gather(*sends)
    finally:
        await producer.stop()

    leader = platform.people.headers("leader")
    async with platform.client() as http:
        for envelope in good[1:]:
            assert isinstance(envelope.event, DirectiveIssued)
            directive_id = str(envelope.event.directive_id)
            await wait_for_tasks(http, platform.url("tasks"), directive_id, 1, leader)

    def ours(records: list[Record]) -> list[Record]:
        return [r for r in records if r.headers.get("ce_id") == good[0].id]

    (dead,) = ours(
        await read_topic(platform.kafka, dlq_topic("tasks"), lambda rs: len(ours(rs)) == 1)
    )
    assert "not UTF-8" in dead.headers["dlq_error"]
    assert dead.value == good[0].value()


async def test_a_forged_event_is_dead_lettered_and_changes_nothing(platform: Platform) -> None:
    """Right shape, wrong producer or wrong topic: a consumer believes neither."""
    wrong_source = Envelope(event=_issued(uuid.uuid4()), source="chidao/reporting")
    wrong_topic = Envelope(event=_issued(uuid.uuid4()), source=DIRECTIVES)
    genuine = Envelope(event=_issued(uuid.uuid4()), source=DIRECTIVES)
    key = str(uuid.uuid4()).encode()
    for topic, envelope in (
        (TOPIC_DIRECTIVES, wrong_source),
        (TOPIC_INSPECTIONS, wrong_topic),  # a topic the tasks service reads, not its type's
        (TOPIC_DIRECTIVES, genuine),
    ):
        headers = {**envelope.headers(), **INJECTED}  # test-written: not the services'
        await produce(platform.kafka, topic, envelope.value(), key, headers)
    assert isinstance(genuine.event, DirectiveIssued)
    leader = platform.auth("giamdoc.sxd")
    async with platform.client() as http:
        await wait_for_tasks(
            http, platform.url("tasks"), str(genuine.event.directive_id), 1, leader
        )

    forged = {wrong_source.id, wrong_topic.id}

    def ours(records: list[Record]) -> dict[str, Record]:
        return {r.headers["ce_id"]: r for r in records if r.headers.get("ce_id") in forged}

    dead = ours(await read_topic(platform.kafka, dlq_topic("tasks"), lambda rs: len(ours(rs)) == 2))
    assert (
        "comes only from chidao/directives, not from 'chidao/reporting'"
        in (dead[wrong_source.id].headers["dlq_error"])
    )
    assert (
        "belongs on chidao.directives.v1, not on chidao.inspections.v1"
        in (dead[wrong_topic.id].headers["dlq_error"])
    )
    async with platform.client() as http:
        for envelope in (wrong_source, wrong_topic):
            assert isinstance(envelope.event, DirectiveIssued)
            tasks = await get_all(
                http,
                f"{platform.url('tasks')}/v1/tasks",
                {"directive_id": str(envelope.event.directive_id)},
                leader,
            )
            assert tasks == []  # believed by no one: no task was assigned
