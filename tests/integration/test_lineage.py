"""Directives that cascade, on the real stack (Kafka with ACLs, PostgreSQL, Keycloak,
the services as processes): UBND tỉnh Thanh Hóa issues a plan giving duties to Sở Xây
dựng and Sở Giao thông vận tải; Sở Xây dựng receives it, issues its implementing letter
citing it; its units' tasks are assigned, one is completed; the plan's lineage shows
each department, its implementing directive and its task counts."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shared.clock import VN_TZ
from shared.contracts.events import TOPIC_TASKS
from tests.integration.conftest import Platform
from tests.integration.helpers import assignment, ok, set_clock, wait_for_tasks
from tests.integration.kafka_tools import Record, read_topic

SXD, SGTVT = "sxd-thanhhoa", "sgtvt-thanhhoa"
# A year no other test plays, before the 2025 merger: Sở Giao thông vận tải, the second
# department here, still exists (the 2020 directories are in force).
CLOCK = dt.datetime(2019, 4, 8, 9, 0, tzinfo=VN_TZ)
SERVICES = ("directives", "tasks", "inspections", "reporting")
DUE = {"kind": "date", "date": "2019-12-13"}


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=60.0) as client:
        yield client


async def lineage_when(
    http: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    done: Any,
    timeout: float = 60,
) -> dict[str, Any]:
    """The lineage once `done(view)` holds: task progress arrives through Kafka."""
    deadline = time.monotonic() + timeout
    while True:
        view: dict[str, Any] = ok(await http.get(url, headers=headers))
        if done(view):
            return view
        assert time.monotonic() < deadline, f"lineage not as expected after {timeout}s: {view}"
        await asyncio.sleep(0.3)


async def test_a_province_plan_shows_each_departments_implementing_directive_and_tasks(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    people = platform.people
    province_clerk, province_leader = people.as_user("vanthu.ubnd"), people.as_user("chutich.ubnd")
    clerk, leader = people.as_user("vanthu.sxd"), people.as_user("giamdoc.sxd")
    office = people.as_user("vanphong.sxd")
    await set_clock(http, [platform.url(s) for s in SERVICES], CLOCK, people.as_user("vanhanh"))
    directives = f"{platform.url('directives')}/v1/directives"
    tasks_url = platform.url("tasks")

    # The province's plan: a duty for each department, Sở GTVT coordinating on the first.
    plan_body = {
        "content": {
            "doc_type": "plan",
            "subject": "Triển khai Đề án Văn hóa công vụ năm 2019",
            "assignments": [
                assignment(
                    "SXD",
                    "Sở Xây dựng",
                    "Quán triệt Đề án tới công chức, viên chức của Sở",
                    DUE,
                    coordinating=[{"code": "SGTVT", "name": "Sở Giao thông vận tải"}],
                ),
                assignment(
                    "SGTVT", "Sở Giao thông vận tải", "Rà soát quy chế văn hóa công sở", DUE
                ),
            ],
        }
    }
    # The province started on the platform in April: its register continues the paper
    # one (83 documents so far this year), so its plan takes number 84, as on paper.
    register = f"{platform.url('directives')}/v1/number-series/ubnd-thanhhoa/2019"
    refused = await http.put(register, json={"last_issued": 0}, headers=province_clerk)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "body.last_issued"
    continued = ok(await http.put(register, json={"last_issued": 83}, headers=province_clerk))
    assert continued["next_number"] == 84
    draft = ok(await http.post(directives, json=plan_body, headers=province_clerk), 201)
    plan = ok(await http.post(f"{directives}/{draft['id']}/issue", headers=province_leader))
    assert plan["addressed_agencies"] == [SXD, SGTVT]
    assert plan["reference"] == "84/KH-UBND"
    number, symbol = plan["reference"].split("/", 1)
    backwards = await http.put(register, json={"last_issued": 80}, headers=province_clerk)
    assert backwards.status_code == 409

    # Sở Xây dựng receives it, with its duties.
    incoming = ok(await http.get(directives, params={"incoming": "true"}, headers=clerk))
    (received,) = [d for d in incoming if d["id"] == plan["id"]]
    assert [(d["index"], d["role"]) for d in received["duties"]] == [(0, "lead")]

    # Its implementing letter cites the plan as letters do; the leader issues it.
    letter_body = {
        "content": {
            "doc_type": "notice",
            "subject": "Về việc thực hiện Kế hoạch triển khai Đề án Văn hóa công vụ năm 2019",
            "references": [
                {
                    "doc_type": "Kế hoạch",
                    "number": number,
                    "symbol": symbol,
                    "date": plan["date"],
                    "issuer": "UBND tỉnh",
                    "text": f"Kế hoạch số {plan['reference']} của UBND tỉnh",
                }
            ],
            "assignments": [
                assignment("VP", "Văn phòng Sở", "Rà soát nội quy, quy chế của cơ quan", DUE),
                assignment("KHTC", "Phòng Kế hoạch - Tài chính", "Bố trí kinh phí", DUE),
            ],
        }
    }
    draft = ok(await http.post(directives, json=letter_body, headers=clerk), 201)
    letter = ok(await http.post(f"{directives}/{draft['id']}/issue", headers=leader))
    assert letter["parent_directive_id"] == plan["id"]

    # Its units' tasks are assigned; the Office completes its own.
    tasks = await wait_for_tasks(http, tasks_url, letter["id"], 2, leader)
    (vp_task,) = [t for t in tasks if t["lead_unit"]["code"] == "VP"]
    ok(
        await http.post(
            f"{tasks_url}/v1/tasks/{vp_task['id']}/complete",
            json={"result": "Đã rà soát, sửa đổi nội quy cơ quan"},
            headers=office,
        )
    )

    def settled(view: dict[str, Any]) -> bool:
        branches = {b["agency"]: b for b in view["departments"]}
        return bool(
            view["progress"]["assigned"] == 2 and branches[SXD]["progress"]["completed"] == 1
        )

    url = f"{directives}/{plan['id']}/lineage"
    view = await lineage_when(http, url, province_leader, settled)
    assert view["directive"]["reference"] == plan["reference"]
    branches = {b["agency"]: b for b in view["departments"]}
    assert list(branches) == [SXD, SGTVT]
    sxd = branches[SXD]
    assert [k["directive"]["id"] for k in sxd["implementing"]] == [letter["id"]]
    assert sxd["progress"] == {
        "assigned": 2,
        "completed": 1,
        "completed_on_time": 1,
        "overdue": 0,
    }
    assert [(d["index"], d["role"], d["progress"]["assigned"]) for d in sxd["duties"]] == [
        (0, "lead", 1)
    ]
    sgtvt = branches[SGTVT]
    assert sgtvt["implementing"] == []
    assert [(d["index"], d["role"]) for d in sgtvt["duties"]] == [(0, "coordinate"), (1, "lead")]

    # The province reader sees it all; the other department its own branch only.
    province_list = ok(await http.get(directives, headers=people.as_user("snv")))
    assert plan["id"] in {d["id"] for d in province_list}
    assert letter["id"] not in {d["id"] for d in province_list}  # a department's own
    everything = ok(await http.get(url, headers=people.as_user("snv")))
    assert [b["agency"] for b in everything["departments"]] == [SXD, SGTVT]
    own = ok(await http.get(url, headers=people.as_user("giamdoc.sgtvt")))
    assert [b["agency"] for b in own["departments"]] == [SGTVT]
    # The department's letter is not the other department's to read.
    other = await http.get(f"{directives}/{letter['id']}", headers=people.as_user("giamdoc.sgtvt"))
    assert other.status_code == 404

    # The units' tasks carry their lineage on chidao.tasks.v1: the plan, then the letter.
    def assigned_of_letter(records: list[Record]) -> list[dict[str, Any]]:
        events = [
            json.loads(r.value or b"{}")
            for r in records
            if r.headers.get("ce_type") == "chidao.task.assigned.v1"
        ]
        return [e for e in events if e.get("directive_id") == letter["id"]]

    records = await read_topic(
        platform.kafka, TOPIC_TASKS, lambda rs: len(assigned_of_letter(rs)) == 2
    )
    assert {tuple(e["lineage"]) for e in assigned_of_letter(records)} == {
        (plan["id"], letter["id"])
    }
