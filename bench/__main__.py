"""`make bench` (`python -m bench`): every benchmark, then one line per target.

.venv/bin/python -m bench [--directives 500] [--rounds 3] [--history 1000000]
"""

from __future__ import annotations

import shutil

import typer
import uvloop

from bench.harness import BENCH_STATE, Results, bench_stack, console, migrate
from bench.issuing import bench_issuing
from bench.pipeline import bench_pipeline
from bench.rebuild import bench_rebuild
from bench.reports import bench_reports
from bench.scans import bench_scans
from services.reporting.app import MIGRATIONS as REPORTING_MIGRATIONS
from services.tasks.app import MIGRATIONS as TASKS_MIGRATIONS
from shared.heap import freeze_startup_heap

app = typer.Typer(add_completion=False)


@app.command()
def main(
    directives: int = typer.Option(
        2000, help="Backlog of directive.issued for the tasks bench (8 duties each)."
    ),
    rounds: int = typer.Option(3, help="Rounds of each throughput bench (the median is kept)."),
    history: int = typer.Option(
        1_000_000, help="Facts of history: this many of the agency, as many of others."
    ),
    history_directives: int = typer.Option(27_000, help="Directives among the history."),
    issue_sample: int = typer.Option(300, help="Directives issued per HTTP measurement."),
    year_fill: int = typer.Option(9_000, help="Directives added to the year before the last."),
    rebuild_events: int = typer.Option(100_000, help="Events on the topics for the rebuild."),
    only: str = typer.Option("", help="Run only these benchmarks (comma-separated)."),
    keep: bool = typer.Option(False, help="Reuse the bench stack and leave it running."),
) -> None:
    if not keep:
        if BENCH_STATE.exists():
            bench_stack().down()  # what a `--keep` run left running
        shutil.rmtree(BENCH_STATE, ignore_errors=True)
    stack = bench_stack()
    console.print(f"Starting the bench stack in {BENCH_STATE} (Kafka, PostgreSQL, Keycloak)…")
    info = stack.up([])
    results = Results()

    async def run() -> None:
        await migrate(stack.database_url("tasks"), TASKS_MIGRATIONS)
        await migrate(stack.database_url("reporting"), REPORTING_MIGRATIONS)
        # As every service does once started (shared.heap). The issuing and scan
        # benches run here; the others in processes of their own (bench.child).
        freeze_startup_heap()
        chosen = (
            set(only.split(",")) if only else {"pipeline", "rebuild", "reports", "issuing", "scans"}
        )
        if "issuing" in chosen:
            await bench_issuing(stack, results, issue_sample, year_fill)
        if "pipeline" in chosen:
            await bench_pipeline(stack, results, directives, rounds)
        if "scans" in chosen:
            await bench_scans(stack, results, history // 5)
        if "rebuild" in chosen:
            await bench_rebuild(stack, results, rebuild_events, rounds)
        if "reports" in chosen:
            await bench_reports(stack, results, history, history, history_directives)

    try:
        # The loop the services run on (shared.runtime.serve).
        uvloop.run(run())
    finally:
        if not keep:
            stack.stop_started(info)
    results.print()


if __name__ == "__main__":
    app()
