"""Small HTTP helpers shared by the integration tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import httpx

from shared.clock import VN_TZ


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.url}: {response.status_code} {response.text}"
    )
    return response.json()


async def set_clock(
    http: httpx.AsyncClient, urls: list[str], when: dt.datetime, headers: dict[str, str]
) -> None:
    """Move the services' clocks (frozen): the operator's job, so `headers` are theirs."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    for url in urls:
        body = {"now": when.isoformat(), "frozen": True}
        ok(await http.put(f"{url}/v1/clock", json=body, headers=headers))


async def wait_for_tasks(
    http: httpx.AsyncClient,
    tasks_url: str,
    directive_id: str,
    expected: int,
    headers: dict[str, str],
    timeout: float = 60,
) -> list[dict[str, Any]]:
    """The directive's tasks as `headers`' owner sees them (a leader: all of them)."""
    deadline = time.monotonic() + timeout
    while True:
        tasks = await get_all(
            http, f"{tasks_url}/v1/tasks", {"directive_id": directive_id}, headers
        )
        if len(tasks) >= expected:
            return tasks
        assert time.monotonic() < deadline, f"{len(tasks)} of {expected} tasks after {timeout}s"
        await asyncio.sleep(0.3)


async def get_all(
    http: httpx.AsyncClient,
    url: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every item of a paginated list, following X-Next-Cursor as a client does."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {**(params or {}), "limit": 1000}
    while True:
        response = await http.get(url, params=query, headers=headers)
        items += ok(response)
        cursor = response.headers.get("X-Next-Cursor")
        if not cursor:
            return items
        query = {**query, "cursor": cursor}


def content(subject: str, *assignments: dict[str, Any]) -> dict[str, Any]:
    return {"doc_type": "notice", "subject": subject, "assignments": list(assignments)}


def assignment(
    lead: str,
    name: str,
    action: str,
    deadline: dict[str, Any] | None = None,
    coordinating: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "lead_unit": {"code": lead, "name": name},
        "coordinating_units": coordinating or [],
        "action": action,
        "deadline": deadline or {"kind": "none"},
    }
