"""`make demo`: the seed letter's year, end to end, on the embedded local stack.

Starts what is not running and plays the year of `chidao.scenario` on the real
services: the letter is imported and issued, every unit sees its tasks (a table per
unit), units report, an inspection finds violations, the reminders go out, and the
annual report is generated (JSON + DOCX under `out/`) and submitted. Prints the key
figures in Vietnamese, the file paths and the traces, each as a link to its page in
Zipkin. Stops only what it started, but Zipkin: its traces live in its memory, and the
links would lead nowhere (`chidao down` stops it).
A stack that already played 2020 plays the next year instead: each run is a new year.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from chidao import cascade
from chidao.client import ScenarioError, get_all, wait_until
from chidao.people import People, people_of
from chidao.present import unit_tables
from chidao.scenario import STEPS, PlayedYear, YearScenario
from chidao.stack.cli import download_progress
from chidao.stack.stack import LocalStack
from chidao.traces import load_spans, services_in
from shared.settings import REPO_ROOT

DemoError = ScenarioError
AGENCY = "sxd-thanhhoa"
SERVICES = ("directives", "tasks", "inspections", "reporting")
CONSOLE = "console"
FIRST_YEAR = 2020
OUT = REPO_ROOT / "out"


def free_year(client: httpx.Client, directives_url: str, people: People) -> int:
    """The first year from 2020 in which the agency has issued nothing yet."""
    issued = get_all(
        client,
        f"{directives_url}/v1/directives",
        {"status": "issued"},
        people.headers("leader"),
    )
    used = {d["date"][:4] for d in issued if d.get("date")}
    year = FIRST_YEAR
    while str(year) in used:
        year += 1
    return year


def run(console: Console, stack: LocalStack | None = None, out: Path = OUT) -> PlayedYear:
    stack = stack or LocalStack(extra_env={"CHIDAO_CLOCK_CONTROL": "true"}, with_zipkin=True)
    with download_progress(console) as on_progress:  # the first run's long step
        stack.download(on_progress)
    with console.status(
        "Khởi động hệ thống (Kafka, PostgreSQL, Keycloak, 4 dịch vụ, bàn làm việc web)..."
    ):
        info = stack.up((*SERVICES, CONSOLE))
    try:
        # Each step is done by the person whose job it is, signed in to Keycloak.
        people = people_of(stack.oidc_issuer, AGENCY)
        province = people_of(stack.oidc_issuer, cascade.PROVINCE)
        with httpx.Client(timeout=60.0) as client:
            year = free_year(client, info.services["directives"], people)
            if year != FIRST_YEAR:
                console.print(
                    f"[dim]Các năm trước đã được chạy trên hệ thống này; chạy năm {year}.[/dim]"
                )
            progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=console,
            )
            with progress:
                bar = progress.add_task("Bắt đầu", total=STEPS + 1)

                def step(label: str) -> None:
                    progress.update(bar, description=label, advance=1)

                scenario = YearScenario(client, info.services, year, out, people, step)
                step(f"06/04/{year}: UBND tỉnh ban hành kế hoạch triển khai Đề án")
                plan = cascade.issue_plan(
                    client, info.services["directives"], province, year, scenario.at
                )
                scenario.letter = cascade.citing(scenario.letter, plan)
                played = scenario.play()
                progress.update(bar, description="Hoàn thành", completed=STEPS + 1)
                tree = wait_until(
                    "the plan's lineage",
                    lambda: _settled(
                        cascade.lineage(client, info.services["directives"], province, plan),
                        played,
                    ),
                )
        _show(console, played, stack)
        console.print(cascade.lineage_table(tree))
        _show_console(console, info.services[CONSOLE], CONSOLE in info.started, people)
        return played
    finally:
        with console.status("Dừng các thành phần do demo khởi động..."):
            stack.stop_started(info, keep=["zipkin"])


def _settled(view: dict[str, Any], played: PlayedYear) -> dict[str, Any] | None:
    """The lineage once the department's task progress has reached the directives
    service through Kafka (its counts lag the tasks service by a moment)."""
    branches = {b["agency"]: b for b in view["departments"]}
    done = sum(1 for t in played.final_tasks if t["status"] == "completed")
    mine = branches.get(AGENCY)
    return view if mine and mine["progress"]["completed"] >= done else None


def _show_console(console: Console, url: str, stops: bool, people: People) -> None:
    """Where people do the same in a browser, and who they can sign in as."""
    table = Table(title="Tài khoản mẫu", title_justify="left")
    table.add_column("Tên đăng nhập")
    table.add_column("Vai trò")
    table.add_column("Đơn vị")
    for person in people.people:
        if person.agency not in (AGENCY, None):
            continue
        table.add_row(person.username, ", ".join(sorted(person.roles)), person.unit or "")
    console.print(
        f"\n[bold]Bàn làm việc trên trình duyệt:[/bold] [cyan]{url}[/cyan] "
        f"(mật khẩu mọi tài khoản mẫu: [bold]{people.password}[/bold], chỉ dùng cho bản thử)"
        + ("; demo sẽ dừng hệ thống, chạy [bold]chidao up[/bold] để mở lại." if stops else ".")
    )
    console.print(table)


def _spans(state_dir: Path, trace_id: str) -> list[dict[str, Any]]:
    """The services export spans every half second: give the last ones a moment."""
    for _ in range(10):
        spans = load_spans(state_dir, trace_id)
        if spans:
            return spans
        time.sleep(0.3)
    return []


def _value(figure: dict[str, Any]) -> Any:
    return figure["value"]


def _trace_line(console: Console, what: str, trace_id: str, stack: LocalStack) -> None:
    spans = _spans(stack.state_dir, trace_id)
    console.print(
        f"Mã vết (trace id) của {what}: [bold]{trace_id}[/bold] "
        f"({len(spans)} span, {', '.join(sorted(services_in(spans))) or '—'})"
    )
    if stack.with_zipkin:
        console.print(f"  xem: [cyan]{stack.trace_url(trace_id)}[/cyan]", highlight=False)
    console.print(f"  hoặc: [cyan]chidao trace {trace_id}[/cyan]", highlight=False)


def warning_lines(warnings: list[dict[str, Any]]) -> list[str]:
    """One line per warning, but one for all the duties with the same message (ten
    duties without a deadline are one line naming the ten, not ten lines)."""
    duty = re.compile(r"assignments\[(\d+)\]")
    grouped: dict[tuple[str, str], list[int]] = {}
    lines: list[str | tuple[str, str]] = []
    for w in warnings:
        found = duty.match(w["field"])
        if found is None:
            lines.append(f"({w['field']}) {w['message']}")
            continue
        key = (duty.sub("assignments[]", w["field"], count=1), w["message"])
        if key not in grouped:
            grouped[key] = []
            lines.append(key)
        grouped[key].append(int(found.group(1)) + 1)
    out = []
    for line in lines:
        if isinstance(line, str):
            out.append(line)
            continue
        numbers = grouped[line]
        which = "nhiệm vụ " + ", ".join(map(str, numbers))
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            which = f"nhiệm vụ {numbers[0]}–{numbers[-1]}"
        out.append(f"({line[0]}, {which}) {line[1]}")
    return out


def _show(console: Console, played: PlayedYear, stack: LocalStack) -> None:
    d = played.directive
    console.print("\n[bold]Nhập văn bản[/bold] (tb-sxd-thanhhoa-2020.txt), các điểm cần lưu ý:")
    for line in warning_lines(played.import_warnings):
        console.print(f"  [yellow]•[/yellow] {line}")
    console.print(
        f"[bold]Đã ban hành văn bản số {d['reference']}[/bold] ngày "
        f"{dt.date.fromisoformat(d['date']):%d/%m/%Y}: {d['subject']}"
    )
    console.print(
        f"[bold]{len(played.tasks)} nhiệm vụ đã giao[/bold] (ai làm gì, hạn nào); "
        f"tình hình đến cuối năm {played.year}, theo từng đơn vị:\n"
    )
    for table in unit_tables(played.final_tasks):
        console.print(table)
    r = played.report
    tasks, dis, ins = r["tasks"], r["dissemination"], r["inspections"]
    figures = Table(
        title=f"[bold]{r['title']}[/bold] (kỳ báo cáo "
        f"{dt.date.fromisoformat(r['period']['start']):%d/%m/%Y} – "
        f"{dt.date.fromisoformat(r['period']['end']):%d/%m/%Y})",
        title_justify="left",
        show_header=False,
    )
    figures.add_column("Chỉ tiêu")
    figures.add_column("Kết quả", justify="right")
    rows = [
        ("Văn bản triển khai Đề án", _value(r["directives"]["count"])),
        (
            "Đơn vị đã xác nhận quán triệt",
            f"{_value(dis['units_confirmed'])}/{_value(dis['units_total'])}",
        ),
        (
            "Số người được quán triệt",
            f"{_value(dis['staff_reached'])}/{_value(dis['staff_total'])}",
        ),
        ("Tổng số nhiệm vụ", _value(tasks["total"])),
        ("Hoàn thành đúng hạn", _value(tasks["done_on_time"])),
        ("Hoàn thành quá hạn", _value(tasks["done_late"])),
        ("Chưa hoàn thành, còn trong hạn", _value(tasks["open_in_deadline"])),
        ("Chưa hoàn thành, quá hạn", _value(tasks["open_overdue"])),
        (
            "Cuộc kiểm tra / đơn vị được kiểm tra",
            f"{_value(ins['inspections'])} / {_value(ins['units_inspected'])}",
        ),
        (
            "Vi phạm phát hiện / đã khắc phục",
            f"{_value(ins['findings'])} / {_value(ins['resolved'])}",
        ),
    ]
    for label, value in rows:
        figures.add_row(label, str(value))
    console.print(figures)
    for path in played.paths:
        console.print(f"Đã ghi: [cyan]{path}[/cyan]")
    console.print(f"Đã gửi báo cáo năm {played.year} (report.submitted trên chidao.reports.v1).")
    _trace_line(console, "lệnh ban hành", played.issue_trace_id, stack)
    _trace_line(console, "lệnh lập báo cáo", played.generation_trace_id, stack)
