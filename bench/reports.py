"""Reports whatever the history: the annual report (JSON and DOCX), the province
roll-up and the reminder scan, first on a read model holding only the agency's year
(the baseline), then after years of history were added: a million facts of the agency
in other years and a million of other departments.

They run on the reporting service's own objects (`ReportingService` on its database),
as its HTTP routes call them, in a process of their own (`bench.child`), as the service
runs; memory is that process's peak resident size while the reports are made.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Awaitable, Callable

import asyncpg

from bench import history
from bench.child import in_own_process
from bench.harness import Results, Target, console, median, rss_mb
from chidao.stack.stack import LocalStack
from services.reporting.adapters import replay
from services.reporting.adapters.tables import metadata as reporting_metadata
from services.reporting.handlers import ReportingService
from shared.auth import Principal, Role
from shared.clock import VN_TZ, Clock
from shared.db import Database, asyncpg_dsn
from shared.messaging.outbox import Outbox

GOALS = {"report_json": 0.2, "report_docx": 0.5, "province_rollup": 0.5}
MEMORY_GOAL_MB = 300.0
SCAN_GOAL_RATIO = 2.0  # "proportional to what is due": years of directives may not multiply it
PROVINCE = "Thanh Hóa"
LEADER = Principal(
    subject="bench-leader",
    username="giamdoc.sxd",
    name="Bench",
    roles=frozenset({Role.LEADER}),
    agency=history.AGENCY,
)
READER = Principal(
    subject="bench-reader",
    username="snv",
    name="Bench",
    roles=frozenset({Role.PROVINCE_READER}),
    province=PROVINCE,
)


async def best_of(job: Callable[[], Awaitable[object]], times: int = 5) -> float:
    """The median of several runs (the first warms the caches, as a service's would)."""
    await job()
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        await job()
        spent.append(time.perf_counter() - start)
    return median(spent)


class Figures:
    def __init__(self, svc: ReportingService) -> None:
        self.svc = svc

    async def report_json(self) -> None:
        report = await self.svc.readable_report(history.AGENCY, history.YEAR, LEADER)
        report.model_dump_json()

    async def report_docx(self) -> None:
        await self.svc.docx(history.AGENCY, history.YEAR, LEADER)

    async def province_rollup(self) -> None:
        rollup = await self.svc.province(PROVINCE, history.YEAR, READER)
        assert rollup["submitted"] >= history.DEPARTMENTS - 1, rollup["submitted"]

    async def reminder_scan(self) -> None:
        await self.svc.scan_reminders()

    async def measure(self) -> dict[str, float]:
        return {
            "report_json": await best_of(self.report_json),
            "report_docx": await best_of(self.report_docx),
            "province_rollup": await best_of(self.province_rollup),
            "reminder_scan": await best_of(self.reminder_scan, times=3),
        }


def reporting_service(stack: LocalStack, db: Database, clock: Clock) -> ReportingService:
    """The service as its app builds it, on the bench stack."""
    return ReportingService(
        db,
        Outbox(reporting_metadata.tables["outbox"], "reporting", clock),
        clock,
        functools.partial(replay.replay, stack.kafka_access("reporting")),
    )


async def reports_alone(stack: LocalStack) -> dict[str, float]:
    """The figures, measured in this (fresh) process, and its peak memory meanwhile."""
    db = Database(stack.database_url("reporting"))
    clock = Clock()
    clock.set(dt.datetime(history.YEAR, 12, 20, 9, tzinfo=VN_TZ), frozen=True)
    svc = reporting_service(stack, db, clock)
    try:
        figures = await Figures(svc).measure()
    finally:
        await db.dispose()
    return {**figures, "peak_mb": rss_mb()[1]}


async def bench_reports(
    stack: LocalStack, results: Results, agency_facts: int, other_facts: int, directives: int
) -> None:
    console.rule("reports whatever the history")
    url = stack.database_url("reporting")
    conn = await asyncpg.connect(asyncpg_dsn(url))
    db = Database(url)
    clock = Clock()
    clock.set(dt.datetime(history.YEAR, 12, 20, 9, tzinfo=VN_TZ), frozen=True)
    svc = reporting_service(stack, db, clock)
    try:
        await conn.execute("TRUNCATE facts, fact_positions, submissions, reminders_sent, outbox")
        await history.copy_batches(conn, iter([history.story_records(history.year_story())]))
        report = (await svc.annual(history.AGENCY, history.YEAR)).model_dump(mode="json")
        await history.copy_batches(conn, iter([history.submissions(report, PROVINCE)]))
        before = await in_own_process("reports")

        start = time.perf_counter()
        written = await history.copy_batches(
            conn, history.history(agency_facts, other_facts, directives)
        )
        await conn.execute("ANALYZE facts")
        console.print(
            f"  history: {written:,} facts written in {time.perf_counter() - start:.0f} s"
        )
        after = await in_own_process("reports")
        peak = after["peak_mb"]
    finally:
        await conn.close()
        await db.dispose()

    held = f"{agency_facts:,} facts of the agency in other years, {other_facts:,} of others"
    for name, goal in GOALS.items():
        results.figure(
            f"{name.replace('_', ' ')} with {held}",
            f"{after[name]:.3f} s",
            f"{before[name]:.3f} s (the year alone)",
            f"{after[name] / before[name]:.2f}",
        )
        results.targets.append(
            Target(name, after[name], "s", before[name], f"<= {goal} s", after[name] <= goal)
        )
    results.figure(
        f"reminder scan with {directives:,} directives in history",
        f"{after['reminder_scan']:.3f} s",
        f"{before['reminder_scan']:.3f} s (the year alone)",
        f"{after['reminder_scan'] / before['reminder_scan']:.2f}",
    )
    results.targets.append(
        Target(
            "reminder_scan_history",
            after["reminder_scan"],
            "s",
            before["reminder_scan"],
            f"<= {SCAN_GOAL_RATIO} x baseline",
            after["reminder_scan"] <= SCAN_GOAL_RATIO * before["reminder_scan"],
        )
    )
    results.figure(
        "memory of the reporting process while reporting (peak resident)",
        f"{peak:.0f} MB",
        f"{before['peak_mb']:.0f} MB on the year alone",
        "",
    )
    results.targets.append(
        Target(
            "reporting_memory",
            peak,
            "MB",
            None,
            f"<= {MEMORY_GOAL_MB:.0f} MB",
            peak <= MEMORY_GOAL_MB,
        )
    )
