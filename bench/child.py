"""A measurement in a process of its own: `python -m bench.child JOB 'JSON ARGS'`.

A service runs as its own process. Measured in the bench process, its memory would
also hold what the earlier benchmarks left there (Kafka clients, a pipeline's batches,
the raw baselines: 280-320 MB before the first report), and its garbage collector
would walk those objects again and again. So the measured jobs (each side of the
pipeline, the reports, the rebuild) run here, in a fresh interpreter that imports
what the service imports, freezes its startup heap as the service does (shared.heap),
and prints its figures, peak resident size included, as one JSON line on stdout. The
parent reads that line (`in_own_process`); anything else the child says goes to the
terminal.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import typer
import uvloop

from bench.harness import bench_stack, reset_peak_rss
from chidao.stack.stack import LocalStack
from shared.heap import freeze_startup_heap

Job = Callable[..., Awaitable[dict[str, Any]]]


def jobs() -> dict[str, Job]:
    # Imported here so that `bench.reports` and `bench.rebuild` can import this module.
    from bench.pipeline import pipeline_alone
    from bench.rebuild import rebuild_alone
    from bench.reports import reports_alone

    return {"pipeline": pipeline_alone, "reports": reports_alone, "rebuild": rebuild_alone}


async def in_own_process(job: str, **args: Any) -> dict[str, Any]:
    """Run `job(stack, **args)` in a child process; its figures as a dict."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.child",
        job,
        json.dumps(args),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {job!r} failed with exit status {proc.returncode}")
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


def main(job: str, args: str) -> None:
    run = jobs()[job]
    stack: LocalStack = bench_stack()

    async def measured() -> dict[str, Any]:
        freeze_startup_heap()
        reset_peak_rss()
        return await run(stack, **json.loads(args))

    print(json.dumps(uvloop.run(measured())))


if __name__ == "__main__":
    typer.run(main)
