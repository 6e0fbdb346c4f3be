"""`make demo`: the seed letter end to end on the embedded local stack.

Starts what is not running, sets the services' clock to the letter's month (April
2020), imports the letter, issues it, waits until the tasks service has assigned every
task, prints who must do what by when, and the trace id of the issuing call. Stops
only what it started.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from chidao.present import unit_tables, vn_date
from chidao.stack.stack import LocalStack
from chidao.traces import load_spans, services_in
from shared.clock import VN_TZ

SEED = Path(__file__).parent / "samples" / "tb-sxd-thanhhoa-2020.txt"
DEMO_CLOCK = dt.datetime(2020, 4, 20, 8, 0, tzinfo=VN_TZ)
SERVICES = ("directives", "tasks")


class DemoError(Exception):
    pass


def _check(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise DemoError(
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json()


def wait_for_tasks(
    client: httpx.Client, tasks_url: str, directive_id: str, expected: int, timeout: float = 60.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        tasks = _check(client.get(f"{tasks_url}/v1/tasks", params={"directive_id": directive_id}))
        if len(tasks) >= expected:
            return list(tasks)
        if time.monotonic() > deadline:
            raise DemoError(f"only {len(tasks)} of {expected} tasks after {timeout:.0f} s")
        time.sleep(0.3)


def run(console: Console, stack: LocalStack | None = None) -> None:
    stack = stack or LocalStack(extra_env={"CHIDAO_CLOCK_CONTROL": "true"})
    with console.status("Khởi động hệ thống (Kafka, PostgreSQL, các dịch vụ)..."):
        info = stack.up(SERVICES)
    try:
        urls = info.services
        with httpx.Client(timeout=30.0) as client:
            for name in SERVICES:
                _check(
                    client.put(
                        f"{urls[name]}/v1/clock",
                        json={"now": DEMO_CLOCK.isoformat(), "frozen": False},
                    )
                )
            draft = _check(
                client.post(
                    f"{urls['directives']}/v1/directives/import",
                    json={"text": SEED.read_text(encoding="utf-8")},
                )
            )
            console.print(f"\n[bold]Đã nhập văn bản:[/bold] {draft['subject']}")
            for warning in draft["warnings"]:
                console.print(
                    f"  [yellow]Lưu ý[/yellow] ({warning['field']}): {warning['message']}"
                )
            response = client.post(f"{urls['directives']}/v1/directives/{draft['id']}/issue")
            issued = _check(response)
            trace_id = response.headers.get("X-Trace-Id", "")
            console.print(
                f"[bold]Đã ban hành:[/bold] Số {issued['reference']}, "
                f"{issued['place'] or ''} ngày {vn_date(issued['date'])}"
            )
            with console.status("Chờ dịch vụ nhiệm vụ giao việc cho các đơn vị..."):
                tasks = wait_for_tasks(
                    client, urls["tasks"], issued["id"], len(issued["assignments"])
                )
        console.print(
            f"\n[bold]{len(tasks)} nhiệm vụ đã giao[/bold] theo văn bản {issued['reference']}:\n"
        )
        for table in unit_tables(tasks):
            console.print(table)
        time.sleep(1.0)  # the span exporters flush every 0.5 s
        spans = load_spans(stack.state_dir, trace_id)
        console.print(
            f"\nMã vết (trace id) của lệnh ban hành: [bold]{trace_id}[/bold] "
            f"({len(spans)} span, dịch vụ: {', '.join(sorted(services_in(spans)))}); "
            f"xem: [cyan]chidao trace {trace_id}[/cyan]"
        )
    finally:
        with console.status("Dừng các thành phần do demo khởi động..."):
            stack.stop_started(info)
