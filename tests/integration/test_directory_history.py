"""Directory versions on the real stack: every version and the 2025 successions are on
chidao.org.v1 as their contracts say, and an open task of Sở Giao thông vận tải moves to
Sở Xây dựng when the merger reaches the tasks service over Kafka."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import jsonschema

from chidao.contracts import CONTRACTS_DIR
from services.directives.domain.history import DirectoryHistory
from services.directives.settings import DIRECTORIES
from shared.contracts.envelope import Envelope, publisher_source
from shared.contracts.events import TOPIC_ORG, OrgUnitsSucceeded, dlq_topic
from tests.integration.conftest import INJECTED, Platform
from tests.integration.helpers import ok
from tests.integration.kafka_tools import Record, produce, read_topic

SXD, SGTVT = "sxd-thanhhoa", "sgtvt-thanhhoa"
PUBLISHED = "chidao.org.directory_published.v1"
SUCCEEDED = "chidao.org.units_succeeded.v1"


def _valid(record: Record) -> dict[str, Any]:
    schema = json.loads((CONTRACTS_DIR / f"{record.headers['ce_type']}.schema.json").read_text())
    assert record.value is not None
    body: dict[str, Any] = json.loads(record.value)
    jsonschema.validate(body, schema)
    return body


async def test_every_version_and_the_successions_are_published(platform: Platform) -> None:
    def complete(records: list[Record]) -> bool:
        return any(r.headers.get("ce_type") == SUCCEEDED for r in records)

    org = await read_topic(platform.kafka, TOPIC_ORG, complete)
    sxd = [_valid(r) for r in org if r.headers.get("ce_subject") == SXD]
    # Oldest first: a consumer that keeps the last directory keeps the newest version.
    versions = [b.get("valid_from") for b in sxd if "units" in b]
    assert versions[-2:] == [None, "2025-03-01"]
    [merger] = [b for b in sxd if "successions" in b]
    moved = {(s["from_agency"], s["from_unit"]): s for s in merger["successions"]}
    assert moved[(SGTVT, "VP")]["to_agency"] == SXD
    assert moved[(SGTVT, None)]["to_unit"] == "VP"


async def test_an_open_sgtvt_task_follows_the_merger_into_sxd(platform: Platform) -> None:
    clerk, leader = platform.auth("vanthu.sgtvt"), platform.auth("giamdoc.sgtvt")
    sxd_leader = platform.auth("giamdoc.sxd")
    draft_body = {
        "content": {
            "doc_type": "official_letter",
            "subject": "V/v rà soát phương tiện vận tải",
            "assignments": [
                {
                    "lead_unit": {
                        "code": "QLVT",
                        "name": "Phòng Quản lý vận tải, phương tiện và người lái",
                    },
                    "action": "Rà soát phương tiện vận tải hành khách",
                    "deadline": {"kind": "ongoing", "text": "thường xuyên"},
                }
            ],
        }
    }
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    async with platform.client() as http:
        draft = ok(
            await http.post(f"{directives}/v1/directives", json=draft_body, headers=clerk), 201
        )
        issued = ok(
            await http.post(f"{directives}/v1/directives/{draft['id']}/issue", headers=leader)
        )
        query = {"directive_id": issued["id"]}
        deadline = time.monotonic() + 60
        while not (
            found := ok(await http.get(f"{tasks_url}/v1/tasks", params=query, headers=leader))
        ):
            assert time.monotonic() < deadline, "the task never arrived"
            await asyncio.sleep(0.5)
        [task] = found
        assert (task["agency"], task["lead_unit"]["code"]) == (SGTVT, "QLVT")

        # The directives service published the merger at start-up, before this task
        # existed; the directory is republished (a file changed): the event comes again.
        merger = next(
            e for e in DirectoryHistory.load(DIRECTORIES).successions() if e.agency == SXD
        )
        # Consumers accept it from the directives service only: sent as it, marked injected.
        again = Envelope(event=merger, source=publisher_source(OrgUnitsSucceeded))
        headers = {**again.headers(), **INJECTED}
        await produce(platform.kafka, TOPIC_ORG, again.value(), again.subject.encode(), headers)

        deadline = time.monotonic() + 60
        while True:
            moved = ok(await http.get(f"{tasks_url}/v1/tasks", params=query, headers=sxd_leader))
            if moved:
                break
            assert time.monotonic() < deadline, "the task never moved"
            await asyncio.sleep(0.5)
        [task] = moved
        assert (task["agency"], task["lead_unit"]["code"]) == (SXD, "QLVT")
        assert task["history"][-1]["kind"] == "transferred"
        assert task["history"][-1]["data"]["previous_agency"] == SGTVT
        # Sở GTVT no longer sees it.
        assert ok(await http.get(f"{tasks_url}/v1/tasks", params=query, headers=leader)) == []

    dead = await read_topic(platform.kafka, dlq_topic("tasks"), timeout=5)
    assert not [r for r in dead if r.headers.get("ce_type") == SUCCEEDED]
