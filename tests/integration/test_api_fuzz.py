"""Regressions found by fuzzing the four APIs: each request below once got a 500, or
was accepted and stored what a later request or consumer could not handle.

Hostile input must get a 4xx naming the field. The causes were: NUL characters and
lone surrogates reaching PostgreSQL (which refuses both in text and JSONB), control
characters reaching the DOCX writer, dates and integers outside what the platform (or a
PostgreSQL integer) can hold, and a yearly deadline without its day.

Every request is made by someone allowed to make it (`platform.people`), so what is
refused is the input, not the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from shared.clock import VN_TZ
from tests.integration.conftest import Platform
from tests.integration.helpers import assignment, content, ok, wait_for_tasks

NUL = "a\u0000b"
# JSON may escape a lone surrogate; json.dumps cannot produce it from a str that
# httpx would send, so such bodies are written by hand.
SURROGATE_BODY = b'{"percent": 10, "note": "x\\ud800y"}'


def refused(r: httpx.Response, field: str, status: int = 422) -> str:
    """Assert the status and that the first error names `field`; return its message."""
    assert r.status_code == status, f"{r.request.url}: {r.status_code} {r.text}"
    detail: list[dict[str, Any]] = r.json()["detail"]
    assert detail[0]["field"] == field, detail
    message: str = detail[0]["message"]
    return message


async def test_directives_refuse_unstorable_text_and_dates(platform: Platform) -> None:
    url = platform.url("directives")
    leader = platform.people.headers("leader")
    async with platform.client(platform.people.headers("clerk")) as http:
        r = await http.post(f"{url}/v1/directives", json={"content": content(NUL)})
        assert "NUL" in refused(r, "body.content.subject")
        r = await http.post(
            f"{url}/v1/directives",
            content=b'{"content": {"doc_type": "notice", "subject": "x\\ud800y"}}',
            headers={"content-type": "application/json"},
        )
        assert "surrogate" in refused(r, "body.content.subject")
        r = await http.post(
            f"{url}/v1/directives",
            json={"content": {**content("Ký"), "signer": {"title": NUL, "name": "A"}}},
        )
        refused(r, "body.content.signer.title")
        r = await http.post(
            f"{url}/v1/directives",
            json={"content": content("Hạn", assignment("VP", "Văn phòng Sở", "Việc\x01"))},
        )
        assert "U+0001" in refused(r, "body.content.assignments.0.action")
        for day in ("9999-12-31", "0001-01-01"):
            r = await http.post(
                f"{url}/v1/directives", json={"content": {**content("Ngày"), "date": day}}
            )
            refused(r, "body.content.date")
            late = assignment("VP", "Văn phòng Sở", "Việc", {"kind": "date", "date": day})
            r = await http.post(f"{url}/v1/directives", json={"content": content("Hạn", late)})
            refused(r, "body.content.assignments.0.deadline.date")
        yearly = assignment("VP", "Văn phòng Sở", "Báo cáo", {"kind": "yearly"})
        r = await http.post(f"{url}/v1/directives", json={"content": content("Năm", yearly)})
        refused(r, "body.content.assignments.0.deadline.day")
        r = await http.post(f"{url}/v1/directives/import", json={"text": f"THÔNG BÁO {NUL}"})
        refused(r, "body.text")
        r = await http.get(f"{url}/v1/directives", params={"agency": NUL})
        refused(r, "query.agency")
        r = await http.get(f"{url}/v1/org/nope")
        assert r.status_code == 404

        draft = ok(await http.post(f"{url}/v1/directives", json={"content": content("Nháp")}), 201)
        r = await http.put(f"{url}/v1/directives/{draft['id']}", json=content(NUL))
        refused(r, "body.subject")
        r = await http.put(
            f"{url}/v1/directives/{draft['id']}", json={**content("Nháp"), "date": "9999-12-31"}
        )
        refused(r, "body.date")
        ok(await http.post(f"{url}/v1/directives/{draft['id']}/issue", headers=leader))
        r = await http.post(
            f"{url}/v1/directives/{draft['id']}/revoke", json={"reason": NUL}, headers=leader
        )
        refused(r, "body.reason")


async def test_task_commands_refuse_unstorable_input(platform: Platform) -> None:
    directives, tasks_url = platform.url("directives"), platform.url("tasks")
    people = platform.people
    clerk, leader = people.headers("clerk"), people.headers("leader")
    # The task below is the Office's (VP): its head reports on it.
    async with platform.client(people.headers("unit_head", "VP")) as http:
        due = {"kind": "date", "date": "2030-06-30"}
        body = {"content": content("Giao việc", assignment("VP", "Văn phòng Sở", "Làm", due))}
        draft = ok(await http.post(f"{directives}/v1/directives", json=body, headers=clerk), 201)
        ok(await http.post(f"{directives}/v1/directives/{draft['id']}/issue", headers=leader))
        [task] = await wait_for_tasks(http, tasks_url, draft["id"], 1, leader)
        base = f"{tasks_url}/v1/tasks/{task['id']}"

        r = await http.get(f"{tasks_url}/v1/tasks", params={"unit": NUL}, headers=leader)
        refused(r, "query.unit")
        refused(await http.post(f"{base}/acknowledge", json={"by": NUL}), "body.by")
        r = await http.post(f"{base}/progress", json={"percent": 10, "note": NUL})
        refused(r, "body.note")
        r = await http.post(
            f"{base}/progress",
            content=SURROGATE_BODY,
            headers={"content-type": "application/json"},
        )
        refused(r, "body.note")
        for day in ("9999-12-31", "0001-01-01"):
            r = await http.post(
                f"{base}/extension-request", json={"requested_due_date": day, "reason": "Lùi"}
            )
            refused(r, "body.requested_due_date")
        r = await http.post(
            f"{base}/extension-request", json={"requested_due_date": "2031-01-01", "reason": NUL}
        )
        refused(r, "body.reason")
        r = await http.post(
            f"{base}/extension-grant",
            json={"reason": "Đồng ý", "new_due_date": "9999-12-31"},
            headers=leader,
        )
        refused(r, "body.new_due_date")
        # Beyond PostgreSQL's integer column.
        r = await http.post(f"{base}/complete", json={"result": "Xong", "staff_reached": 2**31})
        refused(r, "body.staff_reached")
        refused(await http.post(f"{base}/complete", json={"result": NUL}), "body.result")
        # The task is untouched by all of the above and can still be completed.
        done = ok(await http.post(f"{base}/complete", json={"result": "Xong", "staff_reached": 3}))
        assert done["status"] == "completed"


def _plan(today: dt.date, **changes: Any) -> dict[str, Any]:
    """A valid plan for a period just before `today` (the service's own clock, which
    other tests of the session may have moved)."""
    plan: dict[str, Any] = {
        "agency": "sxd-thanhhoa",
        "title": "Kiểm tra công vụ",
        "decision": {
            "number": "7",
            "symbol": "QĐ-SXD",
            "date": str(today - dt.timedelta(days=20)),
            "issuer": "Giám đốc Sở Xây dựng",
        },
        "team": [{"name": "Lê Văn A", "role": "head", "unit": "TTr"}],
        "targets": ["VP"],
        "period_start": str(today - dt.timedelta(days=15)),
        "period_end": str(today - dt.timedelta(days=5)),
    }
    return {**plan, **changes}


async def test_inspections_refuse_unstorable_input(platform: Platform) -> None:
    url = platform.url("inspections")
    async with platform.client(platform.people.headers("inspector")) as http:
        now = dt.datetime.fromisoformat(ok(await http.get(f"{url}/v1/clock"))["now"])
        today = now.astimezone(VN_TZ).date()
        r = await http.post(f"{url}/v1/inspections", json=_plan(today, title=NUL))
        refused(r, "body.title")
        member = {"name": NUL, "role": "head", "unit": "TTr"}
        r = await http.post(f"{url}/v1/inspections", json=_plan(today, team=[member]))
        refused(r, "body.team.0.name")
        r = await http.post(f"{url}/v1/inspections", json=_plan(today, period_end="9999-12-31"))
        refused(r, "body.period_end")
        refused(await http.get(f"{url}/v1/violations", params={"unit": NUL}), "query.unit")
        refused(await http.get(f"{url}/v1/inspections", params={"agency": NUL}), "query.agency")

        inspection = ok(await http.post(f"{url}/v1/inspections", json=_plan(today)), 201)
        results = f"{url}/v1/inspections/{inspection['id']}/results"
        remedy_by = str(today + dt.timedelta(days=60))
        finding = {"severity": "minor", "description": NUL, "remediation_due": remedy_by}
        inspected_on = str(today - dt.timedelta(days=10))
        result = {"unit": "VP", "criterion": "ATT-HOURS", "inspected_on": inspected_on}
        r = await http.post(results, json=[{**result, "finding": finding}])
        refused(r, "body.0.finding.description")
        late = {**finding, "description": "Đi muộn", "remediation_due": "9999-12-31"}
        r = await http.post(results, json=[{**result, "finding": late}])
        refused(r, "body.0.finding.remediation_due")
        fixed = {**late, "remediation_due": remedy_by}
        ok(await http.post(results, json=[{**result, "finding": fixed}]))
        ok(await http.post(f"{url}/v1/inspections/{inspection['id']}/complete"))
        [violation] = ok(
            await http.get(f"{url}/v1/violations", params={"inspection_id": inspection["id"]})
        )
        r = await http.post(f"{url}/v1/violations/{violation['id']}/verify", json={"note": NUL})
        refused(r, "body.note")


async def test_reporting_refuses_unstorable_input(platform: Platform) -> None:
    url = platform.url("reporting")
    agency = "sxd-thanhhoa"
    # The leader reads, writes the narrative of and submits the department's report.
    async with platform.client(platform.people.headers("leader")) as http:
        refused(await http.get(f"{url}/v1/reports/a%00b/2026"), "path.agency")
        refused(await http.get(f"{url}/v1/reports/a%00b/2026/docx"), "path.agency")
        refused(await http.post(f"{url}/v1/reports/a%00b/2026/submit"), "path.agency")
        refused(await http.get(f"{url}/v1/reminders", params={"agency": NUL}), "query.agency")
        narrative = f"{url}/v1/reports/{agency}/2026/narrative"
        r = await http.put(narrative, json={"sections": {"overview": NUL}})
        refused(r, "body.sections.overview")
        # Stored, this made every later DOCX of the report fail.
        r = await http.put(narrative, json={"sections": {"overview": "Tổng quan\x01"}})
        refused(r, "body.sections.overview")
        # The error response itself used to fail encoding the key it echoed.
        r = await http.put(
            narrative,
            content=b'{"sections": {"x\\ud800": "overview"}}',
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"].startswith("body.sections.")


async def test_absurd_clocks_are_refused_by_every_service(platform: Platform) -> None:
    """A clock near date.min/max overflowed deadline and reminder arithmetic (500)."""
    async with platform.client(platform.people.headers("operator")) as http:
        for service in ("directives", "tasks", "inspections", "reporting"):
            url = platform.url(service)
            for when in (
                "9999-12-31T23:59:59-12:00",
                "0001-01-01T00:00:00+14:00",
                "2101-01-01T00:00:00+07:00",
            ):
                r = await http.put(f"{url}/v1/clock", json={"now": when, "frozen": True})
                assert r.status_code == 422, (service, when, r.text)
                assert r.json()["detail"][0]["field"] == "body.now"
            assert (await http.get(f"{url}/health")).status_code == 200
