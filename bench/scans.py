"""The overdue scan, on a tasks database with a few tasks due, then with years of
history beside them: open tasks flagged overdue long ago and tasks completed.

The same 50 tasks fall due each time (their flag is cleared before every scan); the
scan runs on the tasks service's own `TaskService.scan_overdue`.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import asyncpg

from bench.harness import Results, Target, console, median
from chidao.stack.stack import LocalStack
from services.tasks.adapters.tables import metadata as tasks_metadata
from services.tasks.handlers import TaskService
from shared.clock import VN_TZ, Clock
from shared.db import Database, asyncpg_dsn
from shared.messaging.outbox import Outbox

AGENCY = "bench-scan"
TODAY = dt.date(2026, 11, 30)
DUE = 50
GOAL_RATIO = 2.0  # "proportional to what is due": history may not multiply the cost

COLUMNS = (
    "id",
    "agency",
    "directive_id",
    "assignment_index",
    "lead_code",
    "lead_name",
    "coordinating_units",
    "action",
    "deadline",
    "due_date",
    "status",
    "overdue_notified",
    "completed_at",
)


def rows(
    count: int, due: dt.date, status: str, flagged: bool, first: int
) -> list[tuple[object, ...]]:
    deadline = json.dumps({"kind": "date", "date": due.isoformat(), "text": "trước hạn"})
    completed = (
        dt.datetime(due.year, due.month, due.day, tzinfo=VN_TZ) if status == "completed" else None
    )
    return [
        (
            uuid.UUID(int=first + n),
            AGENCY,
            uuid.UUID(int=10**9 + (first + n) // 8),
            (first + n) % 8,
            "VP",
            "Văn phòng Sở",
            "[]",
            "Thực hiện nhiệm vụ",
            deadline,
            due,
            status,
            flagged,
            completed,
        )
        for n in range(count)
    ]


async def scan_times(svc: TaskService, conn: asyncpg.Connection, due_ids: list[uuid.UUID]) -> float:
    spent = []
    for _ in range(5):
        await conn.execute(
            "UPDATE tasks SET overdue_notified = false, status = 'assigned' WHERE id = ANY($1)",
            due_ids,
        )
        await conn.execute("TRUNCATE outbox")
        start = time.perf_counter()
        flagged = await svc.scan_overdue()
        spent.append(time.perf_counter() - start)
        assert flagged == len(due_ids), flagged
    return median(spent)


async def bench_scans(stack: LocalStack, results: Results, history: int) -> None:
    console.rule("overdue scan whatever the history")
    url = stack.database_url("tasks")
    conn = await asyncpg.connect(asyncpg_dsn(url))
    db = Database(url)
    clock = Clock()
    clock.set(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9, tzinfo=VN_TZ), frozen=True)
    svc = TaskService(db, Outbox(tasks_metadata.tables["outbox"], "tasks", clock), clock)
    try:
        await conn.execute("TRUNCATE tasks, task_history, outbox, inbox")
        due = rows(DUE, TODAY - dt.timedelta(days=3), "assigned", False, 1)
        await conn.copy_records_to_table("tasks", records=due, columns=COLUMNS)
        due_ids = [uuid.UUID(int=1 + n) for n in range(DUE)]
        before = await scan_times(svc, conn, due_ids)
        half = history // 2
        for n, year in enumerate(range(2010, 2026)):
            per_year = half // 16
            past = dt.date(year, 6, 30)
            await conn.copy_records_to_table(
                "tasks",
                records=rows(per_year, past, "assigned", True, 10**6 + n * per_year),
                columns=COLUMNS,
            )
            await conn.copy_records_to_table(
                "tasks",
                records=rows(per_year, past, "completed", False, 10**7 + n * per_year),
                columns=COLUMNS,
            )
        await conn.execute("ANALYZE tasks")
        after = await scan_times(svc, conn, due_ids)
    finally:
        await conn.close()
        await db.dispose()
    results.figure(
        f"overdue scan, {DUE} tasks due, {history:,} tasks of past years",
        f"{after * 1000:.1f} ms",
        f"{before * 1000:.1f} ms (no history)",
        f"{after / before:.2f}",
    )
    results.targets.append(
        Target(
            "overdue_scan_history",
            after,
            "s",
            before,
            f"<= {GOAL_RATIO} x baseline",
            after / before <= GOAL_RATIO,
        )
    )
