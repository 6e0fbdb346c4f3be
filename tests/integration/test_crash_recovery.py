"""SIGKILL the tasks service in the middle of 500 directives, restart it: exactly the
expected tasks exist, and each `task.assigned` was published once per task id.

The clerk drafts, the leader issues and counts the department's tasks, the operator
sets the clocks."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from typing import Any

import httpx

from chidao.people import People
from shared.clock import VN_TZ
from shared.contracts.events import TOPIC_TASKS
from tests.integration.conftest import Platform
from tests.integration.helpers import assignment, content, get_all, ok, set_clock
from tests.integration.kafka_tools import Record, read_topic

DIRECTIVES = 500
PER_DIRECTIVE = 2
CLOCK = dt.datetime(2023, 3, 1, 9, 0, tzinfo=VN_TZ)


async def _issue(http: httpx.AsyncClient, url: str, n: int, people: People) -> str:
    body = {
        "content": content(
            f"Kiểm thử khôi phục số {n}",
            assignment(
                "VP", "Văn phòng Sở", f"Báo cáo số {n}", {"kind": "date", "date": "2023-06-30"}
            ),
            assignment(
                "TTR",
                "Thanh tra Sở",
                f"Kiểm tra số {n}",
                {"kind": "yearly", "day": 15, "month": 12},
            ),
        )
    }
    draft = ok(
        await http.post(f"{url}/v1/directives", json=body, headers=people.headers("clerk")), 201
    )
    issue = f"{url}/v1/directives/{draft['id']}/issue"
    ok(await http.post(issue, headers=people.headers("leader")))
    return str(draft["id"])


async def _count_tasks(http: httpx.AsyncClient, url: str, ids: set[str], people: People) -> int:
    tasks = await get_all(
        http, f"{url}/v1/tasks", {"agency": "sxd-thanhhoa"}, people.headers("leader")
    )
    return sum(t["directive_id"] in ids for t in tasks)


async def test_sigkill_mid_stream_loses_and_doubles_nothing(platform: Platform) -> None:
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    people = platform.people
    operator = people.headers("operator")
    ids: set[str] = set()
    async with platform.client() as http:
        await set_clock(http, [directives, tasks_url], CLOCK, operator)
        semaphore = asyncio.Semaphore(8)

        async def issue(n: int) -> None:
            async with semaphore:
                ids.add(await _issue(http, directives, n, people))

        first = asyncio.gather(*(issue(n) for n in range(DIRECTIVES // 2)))
        await first
        # Kill while the tasks service is busy with the first half.
        deadline = time.monotonic() + 60
        while await _count_tasks(http, tasks_url, ids, people) < 50:
            assert time.monotonic() < deadline, "tasks service made no progress"
            await asyncio.sleep(0.1)
        platform.kill("tasks")
        await asyncio.gather(*(issue(n) for n in range(DIRECTIVES // 2, DIRECTIVES)))
        await asyncio.to_thread(platform.start, "tasks", CLOCK.isoformat())
        await set_clock(http, [tasks_url], CLOCK, operator)

        expected = DIRECTIVES * PER_DIRECTIVE
        deadline = time.monotonic() + 180
        while (count := await _count_tasks(http, tasks_url, ids, people)) < expected:
            assert time.monotonic() < deadline, f"{count} of {expected} tasks"
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # anything extra would show up now
        assert await _count_tasks(http, tasks_url, ids, people) == expected
        tasks = await get_all(
            http, f"{tasks_url}/v1/tasks", {"agency": "sxd-thanhhoa"}, people.headers("leader")
        )
    task_ids = {t["id"] for t in tasks if t["directive_id"] in ids}
    assert len(task_ids) == expected

    def assigned(records: list[Record]) -> list[Record]:
        return [
            r
            for r in records
            if r.headers.get("ce_type") == "chidao.task.assigned.v1"
            and r.headers.get("ce_subject") in task_ids
        ]

    records = assigned(
        await read_topic(
            platform.kafka, TOPIC_TASKS, lambda rs: len(assigned(rs)) >= expected, timeout=120
        )
    )
    per_task = Counter(r.headers["ce_subject"] for r in records)
    doubled: dict[str, Any] = {k: v for k, v in per_task.items() if v != 1}
    assert not doubled, f"task.assigned published more than once: {doubled}"
    assert set(per_task) == task_ids
