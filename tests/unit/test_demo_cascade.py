"""The demo's cascade: the seed letter cites the plan the province issued that year,
and the plan's lineage reads as a table in Vietnamese."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from chidao import cascade
from chidao.demo import warning_lines
from chidao.scenario import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_the_seed_cites_that_years_plan_by_its_number_and_date() -> None:
    plan = {"reference": "84/KH-UBND", "date": "2020-04-06"}
    assert cascade.citing(SEED_TEXT, plan) == SEED_TEXT  # the seed's own year: as printed
    later = cascade.citing(SEED_TEXT, {"reference": "85/KH-UBND", "date": "2023-04-06"})
    assert later.count("Kế hoạch số 85/KH-UBND ngày 06/4/2023 của UBND tỉnh") == 2
    assert "84/KH-UBND" not in later
    assert "1847/QĐ-TTg ngày 27/12/2018" in later  # the Decision it implements stays


def test_the_plan_gives_each_department_a_dated_duty_of_its_year() -> None:
    content = cascade.plan_content(2023)["content"]
    assert [a["lead_unit"]["code"] for a in content["assignments"]] == ["SNV", "SXD", "STC"]
    assert {a["deadline"]["date"][:4] for a in content["assignments"]} == {"2023"}


def test_the_lineage_table_shows_each_department_its_letter_and_progress() -> None:
    def branch(name: str, letters: list[str], counts: tuple[int, ...]) -> dict[str, Any]:
        keys = ("assigned", "completed", "completed_on_time", "overdue")
        return {
            "name": name,
            "duties": [{}],
            "implementing": [
                {"directive": {"reference": r, "subject": "Triển khai Kế hoạch"}} for r in letters
            ],
            "progress": dict(zip(keys, counts, strict=True)),
        }

    view = {
        "directive": {"reference": "84/KH-UBND"},
        "departments": [
            branch("Sở Nội vụ", [], (0, 0, 0, 0)),
            branch("Sở Xây dựng", ["01/TB-SXD"], (11, 9, 8, 1)),
        ],
    }
    console = Console(width=200, record=True)
    console.print(cascade.lineage_table(view))
    text = console.export_text()
    assert "Kế hoạch số 84/KH-UBND" in text
    rows = [line for line in text.splitlines() if "Sở Xây dựng" in line or "Sở Nội vụ" in line]
    assert [line.split("│")[3].strip() for line in rows] == [
        "chưa có",
        "01/TB-SXD (Triển khai Kế hoạch)",
    ]
    assert [c.strip() for c in rows[1].split("│")[4:8]] == ["11", "9", "8", "1"]


def test_the_demo_prints_one_line_for_the_duties_sharing_a_warning() -> None:
    none = "Chưa xác định được thời hạn; nếu văn bản có giao hạn thì cần nhập tay."
    warnings = [
        {"field": "number", "message": "Số văn bản để trống (chưa cấp số)."},
        *({"field": f"assignments[{k}].deadline", "message": none} for k in range(10)),
        {"field": "assignments[3].lead_unit", "message": "Đơn vị “X” chưa có trong danh mục."},
        {"field": "assignments[7].lead_unit", "message": "Đơn vị “X” chưa có trong danh mục."},
    ]
    assert warning_lines(warnings) == [
        "(number) Số văn bản để trống (chưa cấp số).",
        f"(assignments[].deadline, nhiệm vụ 1–10) {none}",
        "(assignments[].lead_unit, nhiệm vụ 4, 8) Đơn vị “X” chưa có trong danh mục.",
    ]
