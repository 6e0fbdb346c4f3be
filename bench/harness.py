"""What every benchmark shares: a stack of its own, fresh databases, the results table.

The stack runs in `.state/bench` on ports 26xxx, reset at every run (a benchmark never
touches a running `chidao up` stack, and never reads what a previous run left).
`CHIDAO_BENCH_PORT_BASE` moves the ports (e.g. 24000 for 24xxx), so two checkouts can
run their benchmarks side by side.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from chidao.stack.stack import LocalStack
from shared import migrations
from shared.settings import REPO_ROOT

console = Console()

BENCH_STATE = REPO_ROOT / ".state" / "bench"


def bench_stack() -> LocalStack:
    base = int(os.environ.get("CHIDAO_BENCH_PORT_BASE", "26000"))
    stack = LocalStack(
        state_dir=BENCH_STATE,
        kafka_port=base + 92,
        kafka_controller_port=base + 93,
        postgres_port=base + 432,
        keycloak_port=base + 80,
        service_ports={
            "directives": base + 1,
            "tasks": base + 2,
            "inspections": base + 3,
            "reporting": base + 4,
        },
        kafka_libs=REPO_ROOT / ".state" / "kafka" / "libs",
        kafka_brokers=1,
    )
    return stack


async def migrate(url: str, migrations_dir: Path) -> None:
    await asyncio.to_thread(migrations.upgrade, migrations_dir, url)


@dataclass
class Target:
    """One line of the issue's targets: `target NAME: VALUE (baseline …, ratio …, goal …)`."""

    name: str
    value: float
    unit: str
    baseline: float | None
    goal: str
    met: bool

    def line(self) -> str:
        base = f"{self.baseline:,.3f} {self.unit}" if self.baseline is not None else "n/a"
        ratio = f"{self.value / self.baseline:.2f}" if self.baseline else "n/a"
        return (
            f"target {self.name}: {self.value:,.3f} {self.unit} (baseline {base}, "
            f"ratio {ratio}, goal {self.goal}): {'met' if self.met else 'missed'}"
        )


@dataclass
class Results:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def figure(self, what: str, value: str, baseline: str = "", ratio: str = "") -> None:
        self.rows.append((what, value, baseline, ratio))
        against = ", ".join(part for part in (baseline, ratio) if part)
        console.print(f"  {what}: {value}" + (f"  (baseline {against})" if against else ""))

    def print(self) -> None:
        table = Table(title="chidao benchmarks (baselines from the same run)")
        for column in ("what", "chidao", "baseline", "ratio"):
            table.add_column(column)
        for row in self.rows:
            table.add_row(*row)
        console.print(table)
        for target in self.targets:
            print(target.line())


def median(values: list[float]) -> float:
    return statistics.median(values)


async def timed(job: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await job()
    return time.perf_counter() - start


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024  # kB
    return values["VmRSS"], values["VmHWM"]


def reset_peak_rss() -> None:
    """Start the peak (VmHWM) again from the current size (Linux: clear_refs 5)."""
    with open(f"/proc/{os.getpid()}/clear_refs", "w") as f:
        f.write("5")
