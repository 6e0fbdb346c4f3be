"""The seed letter of Sở Xây dựng Thanh Hóa, imported, issued, and turned into tasks,
across two services that talk only over Kafka; checked as an outside agency would."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import jsonschema

from chidao.contracts import CONTRACTS_DIR
from chidao.traces import load_spans
from shared.contracts.envelope import REQUIRED_HEADERS
from shared.contracts.events import TOPIC_DIRECTIVES, TOPIC_ORG, TOPIC_TASKS
from tests.integration.conftest import FIXTURES, TEST_SOURCE, Platform
from tests.integration.helpers import ok, set_clock, wait_for_tasks
from tests.integration.kafka_tools import Record, read_topic

SEED = FIXTURES / "letters" / "seed_sxd_2020.txt"


def by_kind(directory: dict[str, Any], *kinds: str) -> set[str]:
    return {u["code"] for u in directory["units"] if u["kind"] in kinds}


def code_of(directory: dict[str, Any], name: str) -> str:
    return str(next(u["code"] for u in directory["units"] if u["name"].lower() == name.lower()))


async def test_seed_letter_becomes_the_tasks_of_each_unit(platform: Platform) -> None:
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    people = platform.people
    clerk, leader = people.headers("clerk"), people.headers("leader")
    async with platform.client() as http:
        await set_clock(
            http,
            [directives, tasks_url],
            dt.datetime(2020, 4, 20, 8, 30),
            people.headers("operator"),
        )
        # The letter is of April 2020: it is read with the directory of that day.
        directory = ok(
            await http.get(f"{directives}/v1/org/sxd-thanhhoa?on=2020-04-20", headers=clerk)
        )
        draft = ok(
            await http.post(
                f"{directives}/v1/directives/import",
                json={"text": SEED.read_text(encoding="utf-8")},
                headers=clerk,
            ),
            201,
        )
        assert draft["status"] == "draft"
        assert draft["symbol"] == "TB-SXD" and draft["number"] is None
        codes = {w["code"] for w in draft["warnings"]}
        assert {"blank_number", "blank_date"} <= codes

        response = await http.post(
            f"{directives}/v1/directives/{draft['id']}/issue", headers=leader
        )
        issued = ok(response)
        trace_id = response.headers["X-Trace-Id"]
        assert issued["status"] == "issued"
        assert issued["reference"].endswith("/TB-SXD")
        assert issued["date"] == "2020-04-20"
        tasks = await wait_for_tasks(
            http, tasks_url, issued["id"], len(issued["assignments"]), leader
        )

    divisions = by_kind(directory, "division")
    affiliated = by_kind(directory, "affiliated")
    office = code_of(directory, "Văn phòng Sở")
    union = code_of(directory, "Công đoàn cơ quan")
    inspectorate = code_of(directory, "Thanh tra Sở")
    youth, veterans = (
        code_of(directory, "Đoàn Thanh niên"),
        code_of(directory, "Hội Cựu chiến binh"),
    )

    dissemination = [t for t in tasks if t["action"].startswith("Quán triệt")]
    assert {t["lead_unit"]["code"] for t in dissemination} == divisions | affiliated
    assert len(dissemination) == len(divisions | affiliated)

    office_tasks = [t for t in tasks if t["lead_unit"]["code"] == office]
    coordinating = [{u["code"] for u in t["coordinating_units"]} for t in office_tasks]
    assert {union, youth, veterans} | divisions in coordinating  # rules review
    assert {union, inspectorate} in coordinating  # inspection and supervision
    (report,) = [t for t in office_tasks if t["deadline"]["kind"] == "yearly"]
    assert (report["deadline"]["day"], report["deadline"]["month"]) == (15, 12)
    assert report["due_date"] == "2020-12-15" and report["occurrence"] == 2020
    assert all(t["status"] == "assigned" and t["history"][0]["kind"] == "assigned" for t in tasks)

    await _public_topics_follow_the_contracts(platform, issued["id"], {t["id"] for t in tasks})
    await _one_trace_spans_both_services(platform, trace_id)


def _schema(ce_type: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (CONTRACTS_DIR / f"{ce_type}.schema.json").read_text(encoding="utf-8")
    )
    return schema


def _check_contract(record: Record) -> None:
    for header in (*REQUIRED_HEADERS, "ce_subject", "content-type", "traceparent"):
        assert record.headers.get(header), f"{record.topic}@{record.offset}: no {header}"
    assert record.headers["ce_specversion"] == "1.0"
    assert record.key is not None and record.key.decode() == record.headers["ce_subject"]
    assert record.value is not None
    jsonschema.validate(json.loads(record.value), _schema(record.headers["ce_type"]))


async def _public_topics_follow_the_contracts(
    platform: Platform, directive_id: str, task_ids: set[str]
) -> None:
    def has_all(records: list[Record]) -> bool:
        return task_ids <= {r.headers.get("ce_subject") for r in records}

    tasks = await read_topic(platform.kafka, TOPIC_TASKS, has_all)
    directives = await read_topic(
        platform.kafka,
        TOPIC_DIRECTIVES,
        lambda rs: any(r.headers.get("ce_subject") == directive_id for r in rs),
    )
    org = await read_topic(platform.kafka, TOPIC_ORG, lambda rs: bool(rs))
    published = [
        r
        for r in [*tasks, *directives, *org]
        if r.headers.get("ce_source") != TEST_SOURCE and "chidao_test" not in r.headers
    ]
    assert published
    for record in published:
        _check_contract(record)
    assigned = [
        r
        for r in tasks
        if r.headers["ce_subject"] in task_ids and r.headers["ce_type"] == "chidao.task.assigned.v1"
    ]
    assert len(assigned) == len(task_ids)


async def _one_trace_spans_both_services(platform: Platform, trace_id: str) -> None:
    for _ in range(20):  # exporters flush every half second
        spans = load_spans(platform.stack.state_dir, trace_id)
        names = {s["name"] for s in spans}
        if "consume chidao.directive.issued.v1" in names and any(
            n == "publish chidao.task.assigned.v1" for n in names
        ):
            break
        await asyncio.sleep(0.5)
    services = {s["service"] for s in spans}
    assert {"chidao-directives", "chidao-tasks"} <= services, services
    assert "publish chidao.directive.issued.v1" in names
    assert "consume chidao.directive.issued.v1" in names
    assert "publish chidao.task.assigned.v1" in names
