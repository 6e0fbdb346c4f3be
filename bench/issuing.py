"""HTTP issue → tasks visible, on the running services, as the year fills.

The directives and tasks services run as processes of the bench stack, signed in
through its Keycloak (the clerk drafts, the leader issues, the leader lists the tasks).
One cycle: create the draft, issue it, then ask the tasks API until the directive's
tasks are all there; the latency is from the issue request to the tasks being visible.

1. Sustained maximum: four issuers cycle flat out (an empty year).
2. Latency at half that rate: cycles started at a steady pace; p50 and p99.
3. A full year: `fill` issued directives are written into the directives database (the
   number series follows), then the four issuers run again: the rate must not fall.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from typing import Any

import asyncpg
import httpx

from bench.harness import Results, Target, console, median
from chidao.stack.stack import LocalStack
from shared.db import asyncpg_dsn

AGENCY = "sxd-thanhhoa"
UNITS = (
    ("VP", "Văn phòng Sở"),
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("QLHDXD", "Phòng Quản lý hoạt động xây dựng"),
    ("KTVLXD", "Phòng Kinh tế và Vật liệu xây dựng"),
    ("QLN", "Phòng Quản lý nhà và thị trường bất động sản"),
    ("QHKT", "Phòng Quy hoạch - Kiến trúc"),
    ("HTKT", "Phòng Hạ tầng kỹ thuật"),
    ("TTr", "Thanh tra Sở"),
)
ISSUERS = 4
P99_GOAL_S = 0.1
FILL_GOAL_RATIO = 0.9


def content(n: int, tag: str) -> dict[str, Any]:
    return {
        "doc_type": "plan",
        "subject": f"Kế hoạch {tag}-{n} về cải cách hành chính năm nay",
        "assignments": [
            {
                "lead_unit": {"code": code, "name": name},
                "action": f"Thực hiện nội dung {i + 1} của kế hoạch",
                "deadline": {"kind": "date", "date": "2026-12-31", "text": "trước 31/12"},
            }
            for i, (code, name) in enumerate(UNITS)
        ],
    }


class Desk:
    """The clerk's and the leader's HTTP clients on the two services."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        ports = stack.services.ports
        self.directives = f"http://127.0.0.1:{ports['directives']}/v1"
        self.tasks = f"http://127.0.0.1:{ports['tasks']}/v1"
        self.http = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=32))
        self.refresh()

    def refresh(self) -> None:
        self.clerk = {"Authorization": f"Bearer {self.stack.token('vanthu.sxd')}"}
        self.leader = {"Authorization": f"Bearer {self.stack.token('giamdoc.sxd')}"}

    async def cycle(self, n: int, tag: str) -> float:
        made = await self.http.post(
            f"{self.directives}/directives",
            json={"agency": AGENCY, "content": content(n, tag)},
            headers=self.clerk,
        )
        if made.status_code != 201:
            raise RuntimeError(f"draft refused: {made.status_code} {made.text}")
        directive_id = made.json()["id"]
        start = time.perf_counter()
        issued = await self.http.post(
            f"{self.directives}/directives/{directive_id}/issue", headers=self.leader
        )
        issued.raise_for_status()
        while True:
            listed = await self.http.get(
                f"{self.tasks}/tasks", params={"directive_id": directive_id}, headers=self.leader
            )
            listed.raise_for_status()
            if len(listed.json()) == len(UNITS):
                return time.perf_counter() - start
            await asyncio.sleep(0.005)

    async def flat_out(self, count: int, tag: str) -> float:
        """Directives per second with `ISSUERS` issuers cycling without pause."""
        numbers = iter(range(count))

        async def issuer() -> None:
            for n in numbers:
                await self.cycle(n, tag)

        start = time.perf_counter()
        await asyncio.gather(*(issuer() for _ in range(ISSUERS)))
        return count / (time.perf_counter() - start)

    async def paced(self, count: int, rate: float, tag: str) -> list[float]:
        """Latencies of cycles started at `rate` per second."""
        started = []
        for n in range(count):
            started.append(asyncio.create_task(self.cycle(n, tag)))
            await asyncio.sleep(1 / rate)
        return list(await asyncio.gather(*started))


async def fill_year(stack: LocalStack, count: int) -> None:
    """`count` issued directives of this year, written as the service would store them."""
    conn = await asyncpg.connect(asyncpg_dsn(stack.database_url("directives")))
    year = dt.date.today().year
    try:
        last = await conn.fetchval(
            "SELECT last_serial FROM number_series WHERE agency = $1 AND year = $2", AGENCY, year
        )
        first = (last or 0) + 1
        rows = [
            (
                uuid.uuid4(),
                AGENCY,
                "issued",
                json.dumps(content(n, "fill") | {"number": f"{first + n:02d}"}),
                "[]",
                year,
                first + n,
                dt.datetime.now(dt.UTC),
            )
            for n in range(count)
        ]
        await conn.copy_records_to_table(
            "directives",
            records=rows,
            columns=(
                "id",
                "agency",
                "status",
                "content",
                "warnings",
                "year",
                "serial",
                "issued_at",
            ),
        )
        await conn.execute(
            "INSERT INTO number_series (agency, year, last_serial) VALUES ($1, $2, $3) "
            "ON CONFLICT (agency, year) DO UPDATE SET last_serial = EXCLUDED.last_serial",
            AGENCY,
            year,
            first + count - 1,
        )
        await conn.execute("ANALYZE directives")
    finally:
        await conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def bench_issuing(stack: LocalStack, results: Results, sample: int, fill: int) -> None:
    console.rule("HTTP issue → tasks visible")
    await asyncio.to_thread(stack.up, ["directives", "tasks"])
    desk = Desk(stack)
    try:
        await desk.flat_out(20, "warm")
        empty = await desk.flat_out(sample, "empty")
        console.print(f"  sustained, empty year: {empty:.1f} directives/s")
        desk.refresh()
        latencies = await desk.paced(sample, empty / 2, "paced")
        p50, p99 = median(latencies), percentile(latencies, 99)
        console.print(f"  at {empty / 2:.1f}/s: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
        await fill_year(stack, fill)
        desk.refresh()
        full = await desk.flat_out(sample, "full")
        console.print(f"  sustained, after {fill:,} more directives in the year: {full:.1f}/s")
    finally:
        await desk.http.aclose()
        for name in ("tasks", "directives"):  # the other benchmarks use their databases
            await asyncio.to_thread(stack.stop_service, name)
    results.figure(
        f"HTTP issue → tasks visible, {ISSUERS} issuers, sustained",
        f"{empty:.1f} directives/s",
    )
    results.figure(
        f"issue → tasks visible at half that rate ({empty / 2:.1f}/s), p99",
        f"{p99 * 1000:.0f} ms (p50 {p50 * 1000:.0f} ms)",
    )
    results.figure(
        f"sustained rate with {fill:,} directives already in the year",
        f"{full:.1f} directives/s",
        f"{empty:.1f} directives/s (empty year)",
        f"{full / empty:.2f}",
    )
    results.targets.append(
        Target("issue_visible_p99", p99, "s", None, f"<= {P99_GOAL_S} s", p99 <= P99_GOAL_S)
    )
    results.targets.append(
        Target(
            "issue_rate_full_year",
            full,
            "directives/s",
            empty,
            f">= {FILL_GOAL_RATIO} x baseline",
            full / empty >= FILL_GOAL_RATIO,
        )
    )
