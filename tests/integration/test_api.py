"""Bad input gets a 4xx that names the problem; numbering follows the calendar year.

Each request is made by the person whose job it is (`platform.people`): the clerk
drafts and imports, the leader issues, revokes, grants and reads the task lists, the
head of the task's lead unit (the Office, VP) reports on it, the inspector inspects,
the operator moves the clocks."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from tests.integration.conftest import Platform
from tests.integration.helpers import assignment, content, ok, set_clock, wait_for_tasks


def office_head(platform: Platform) -> dict[str, str]:
    """The head of the Văn phòng Sở (VP), the lead unit of the tasks below."""
    return platform.people.headers("unit_head", "VP")


async def test_bad_directive_input_is_refused_with_the_field(platform: Platform) -> None:
    url = platform.url("directives")
    clerk, leader = platform.people.headers("clerk"), platform.people.headers("leader")
    async with platform.client() as http:
        r = await http.post(f"{url}/v1/directives/import", json={"text": ""}, headers=clerk)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.text"
        r = await http.post(
            f"{url}/v1/directives/import",
            json={"text": "Giá vàng hôm nay tăng mạnh, thị trường sôi động."},
            headers=clerk,
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "body.text"
        assert "not a directive" in r.json()["detail"][0]["message"]
        # The department is the token's: naming another one (even one that does not
        # exist) is refused as such, no longer a 422 on body.agency.
        r = await http.post(
            f"{url}/v1/directives/import", json={"text": "x", "agency": "nope"}, headers=clerk
        )
        assert r.status_code == 403 and r.json()["code"] == "other_agency"
        r = await http.post(
            f"{url}/v1/directives", json={"content": {"subject": "thiếu loại"}}, headers=clerk
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "body.content.doc_type"
        r = await http.post(
            f"{url}/v1/directives",
            headers=clerk,
            json={
                "content": content(
                    "Hạn sai",
                    assignment(
                        "VP", "Văn phòng Sở", "Việc", {"kind": "date", "date": "31/02/2020"}
                    ),
                )
            },
        )
        assert r.status_code == 422 and "deadline" in r.json()["detail"][0]["field"]
        r = await http.get(f"{url}/v1/directives/{uuid.uuid4()}", headers=clerk)
        assert r.status_code == 404
        r = await http.get(f"{url}/v1/directives/not-a-uuid", headers=clerk)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "path.directive_id"
        draft = ok(
            await http.post(
                f"{url}/v1/directives", json={"content": content("Hai lần")}, headers=clerk
            ),
            201,
        )
        ok(await http.post(f"{url}/v1/directives/{draft['id']}/issue", headers=leader))
        r = await http.post(f"{url}/v1/directives/{draft['id']}/issue", headers=leader)
        assert r.status_code == 409 and "already issued" in r.json()["detail"]
        r = await http.put(
            f"{url}/v1/directives/{draft['id']}",
            json=content("Sửa sau khi ban hành"),
            headers=clerk,
        )
        assert r.status_code == 409 and "immutable" in r.json()["detail"]
        r = await http.post(
            f"{url}/v1/directives/{draft['id']}/revoke", json={"reason": ""}, headers=leader
        )
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.reason"


async def test_task_commands_refuse_bad_input(platform: Platform) -> None:
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    people = platform.people
    clerk, leader, office = people.headers("clerk"), people.headers("leader"), office_head(platform)
    async with platform.client() as http:
        await set_clock(
            http,
            [directives, tasks_url],
            dt.datetime(2024, 3, 4, 9, 0),
            people.headers("operator"),
        )
        draft = ok(
            await http.post(
                f"{directives}/v1/directives",
                headers=clerk,
                json={
                    "content": content(
                        "Việc có hạn",
                        assignment(
                            "VP",
                            "Văn phòng Sở",
                            "Nộp kế hoạch",
                            {"kind": "date", "date": "2024-03-15"},
                        ),
                    )
                },
            ),
            201,
        )
        ok(await http.post(f"{directives}/v1/directives/{draft['id']}/issue", headers=leader))
        (task,) = await wait_for_tasks(http, tasks_url, draft["id"], 1, leader)
        t = f"{tasks_url}/v1/tasks/{task['id']}"
        r = await http.post(f"{t}/progress", json={"percent": 150}, headers=office)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.percent"
        r = await http.post(f"{t}/complete", json={"result": ""}, headers=office)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.result"
        r = await http.post(
            f"{t}/extension-request",
            json={"requested_due_date": "2024-03-10", "reason": "sớm"},
            headers=office,
        )
        assert r.status_code == 409 and "not after the deadline" in r.json()["detail"]
        r = await http.post(
            f"{t}/extension-grant", json={"reason": "không có yêu cầu"}, headers=leader
        )
        assert r.status_code == 409
        ok(
            await http.post(
                f"{t}/extension-request",
                json={"requested_due_date": "2024-03-29", "reason": "Chờ số liệu"},
                headers=office,
            )
        )
        granted = ok(
            await http.post(f"{t}/extension-grant", json={"reason": "Đồng ý"}, headers=leader)
        )
        assert granted["due_date"] == "2024-03-29"
        assert [h["kind"] for h in granted["history"]] == [
            "assigned",
            "extension_requested",
            "extension_granted",
        ]
        done = ok(await http.post(f"{t}/complete", json={"result": "Đã nộp"}, headers=office))
        assert done["status"] == "completed" and done["on_time"] is True
        r = await http.post(f"{t}/complete", json={"result": "Lần nữa"}, headers=office)
        assert r.status_code == 409
        r = await http.get(f"{tasks_url}/v1/tasks", params={"status": "nonsense"}, headers=leader)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "query.status"
        r = await http.get(f"{tasks_url}/v1/tasks/{uuid.uuid4()}", headers=leader)
        assert r.status_code == 404


async def test_numbering_restarts_on_the_first_of_january(platform: Platform) -> None:
    url = platform.url("directives")
    people = platform.people
    clerk, leader, operator = (people.headers(r) for r in ("clerk", "leader", "operator"))
    async with platform.client() as http:
        numbers = []
        for when in (
            dt.datetime(2021, 12, 31, 16, 0),
            dt.datetime(2021, 12, 31, 23, 50),
            dt.datetime(2022, 1, 1, 0, 10),
        ):
            await set_clock(http, [url], when, operator)
            draft = ok(
                await http.post(
                    f"{url}/v1/directives",
                    json={"content": content(f"Số {when:%d/%m/%Y %H:%M}")},
                    headers=clerk,
                ),
                201,
            )
            issued = ok(await http.post(f"{url}/v1/directives/{draft['id']}/issue", headers=leader))
            numbers.append((issued["date"], issued["number"]))
    assert numbers[0][0] == numbers[1][0] == "2021-12-31"
    assert int(numbers[1][1]) == int(numbers[0][1]) + 1
    assert numbers[2] == ("2022-01-01", "01")


async def test_overdue_and_revocation_flow_to_tasks(platform: Platform) -> None:
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    people = platform.people
    clerk, leader, operator = (people.headers(r) for r in ("clerk", "leader", "operator"))
    async with platform.client() as http:
        await set_clock(http, [directives, tasks_url], dt.datetime(2025, 12, 1, 9, 0), operator)
        draft = ok(
            await http.post(
                f"{directives}/v1/directives",
                headers=clerk,
                json={
                    "content": content(
                        "Báo cáo năm",
                        assignment(
                            "VP",
                            "Văn phòng Sở",
                            "Báo cáo kết quả",
                            {"kind": "yearly", "day": 15, "month": 12},
                        ),
                    )
                },
            ),
            201,
        )
        ok(await http.post(f"{directives}/v1/directives/{draft['id']}/issue", headers=leader))
        (task,) = await wait_for_tasks(http, tasks_url, draft["id"], 1, leader)
        assert task["due_date"] == "2025-12-15" and task["overdue"] is False
        # 15/12/2025 is a Monday: overdue from Tuesday 16/12, and next year's is assigned.
        await set_clock(http, [tasks_url], dt.datetime(2025, 12, 16, 9, 0), operator)
        tasks = await wait_for_tasks(http, tasks_url, draft["id"], 2, leader)
        by_year = {t["occurrence"]: t for t in tasks}
        assert by_year[2025]["overdue"] is True
        assert by_year[2026]["due_date"] == "2026-12-15"
        overdue = ok(
            await http.get(
                f"{tasks_url}/v1/tasks",
                params={"directive_id": draft["id"], "overdue": "true"},
                headers=leader,
            )
        )
        assert [t["occurrence"] for t in overdue] == [2025]
        ok(
            await http.post(
                f"{directives}/v1/directives/{draft['id']}/revoke",
                json={"reason": "Thay thế bằng văn bản khác"},
                headers=leader,
            )
        )
        for _ in range(100):
            tasks = ok(
                await http.get(
                    f"{tasks_url}/v1/tasks", params={"directive_id": draft["id"]}, headers=leader
                )
            )
            if all(t["status"] == "cancelled" for t in tasks):
                break
            await asyncio.sleep(0.2)
        assert {t["status"] for t in tasks} == {"cancelled"}


async def test_malformed_inspection_requests_are_refused(platform: Platform) -> None:
    url = platform.url("inspections")
    plan = {
        "agency": "sxd-thanhhoa",
        "title": "Kiểm tra văn hóa công vụ",
        "decision": {
            "number": "45",
            "symbol": "QĐ-SXD",
            "date": "2024-10-01",
            "issuer": "Giám đốc Sở Xây dựng",
        },
        "team": [{"name": "Lê Thị Hương", "role": "head", "unit": "VP"}],
        "targets": ["KHTC"],
        "period_start": "2024-10-05",
        "period_end": "2024-10-12",
    }
    inspector = platform.people.headers("inspector")
    async with platform.client(headers=inspector) as http:
        r = await http.post(
            f"{url}/v1/inspections", json={k: v for k, v in plan.items() if k != "targets"}
        )
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.targets"
        r = await http.post(f"{url}/v1/inspections", json={**plan, "targets": ["NOPE"]})
        assert r.status_code == 422 and "NOPE" in r.json()["detail"][0]["message"]
        r = await http.post(
            f"{url}/v1/inspections",
            json={**plan, "team": [{"name": "A", "role": "boss", "unit": "VP"}]},
        )
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body.team.0.role"
        created = ok(await http.post(f"{url}/v1/inspections", json=plan), 201)
        r = await http.post(
            f"{url}/v1/inspections/{created['id']}/results",
            json=[{"unit": "KHTC", "criterion": "NOT-A-CRITERION"}],
        )
        assert r.status_code == 422 and "NOT-A-CRITERION" in r.text
        r = await http.post(f"{url}/v1/inspections/{created['id']}/complete")
        assert r.status_code == 409 and "KHTC" in r.text  # no results for the target yet
        r = await http.post(f"{url}/v1/inspections/{uuid.uuid4()}/complete")
        assert r.status_code == 404
