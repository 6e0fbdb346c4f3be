"""How people see tasks: Vietnamese, dates dd/mm/yyyy, one table per unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from rich.table import Table

STATUS_VI = {
    "assigned": "Đã giao",
    "acknowledged": "Đã tiếp nhận",
    "in_progress": "Đang thực hiện",
    "completed": "Hoàn thành",
    "cancelled": "Đã hủy",
}


def vn_date(value: str | dt.date | None) -> str:
    if value is None:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d/%m/%Y")


def deadline_text(task: dict[str, Any]) -> str:
    deadline = task["deadline"]
    due = vn_date(task["due_date"])
    match deadline["kind"]:
        case "yearly":
            return f"Trước {deadline['day']:02d}/{deadline['month']:02d} hằng năm (kỳ này: {due})"
        case "quarterly":
            return f"Hằng quý (kỳ này: {due})"
        case "monthly":
            return f"Hằng tháng (kỳ này: {due})"
        case "date":
            time = f" {deadline['time'][:5]}" if deadline.get("time") else ""
            return f"{due}{time}"
        case "ongoing":
            return "Thường xuyên"
    return "Không quy định thời hạn"


def unit_tables(tasks: list[dict[str, Any]]) -> list[Table]:
    """A table per unit: what it leads (chủ trì) and where it coordinates (phối hợp)."""
    rows: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for task in tasks:
        rows[task["lead_unit"]["name"]].append(("Chủ trì", task))
        for unit in task["coordinating_units"]:
            rows[unit["name"]].append(("Phối hợp", task))
    tables = []
    for unit in sorted(rows, key=lambda name: (-sum(r == "Chủ trì" for r, _ in rows[name]), name)):
        table = Table(
            title=f"[bold]{unit}[/bold]", title_justify="left", show_lines=True, expand=True
        )
        table.add_column("TT", justify="right", width=3)
        table.add_column("Vai trò", width=9)
        table.add_column("Nhiệm vụ", ratio=5)
        table.add_column("Đơn vị chủ trì / phối hợp", ratio=2)
        table.add_column("Thời hạn", ratio=2)
        table.add_column("Trạng thái", width=14)
        for n, (role, task) in enumerate(rows[unit], start=1):
            others = (
                ", ".join(u["name"] for u in task["coordinating_units"]) or "—"
                if role == "Chủ trì"
                else task["lead_unit"]["name"]
            )
            table.add_row(
                str(n),
                role,
                task["action"],
                others,
                deadline_text(task),
                STATUS_VI.get(task["status"], task["status"]),
            )
        tables.append(table)
    return tables
