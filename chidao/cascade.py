"""The cascade the seed letter lives in, played by `make demo` around the seed's year.

On 06/04 the province (UBND tỉnh Thanh Hóa) issues its plan implementing the Prime
Minister's Decision 1847/QĐ-TTg, giving duties to three departments; on 20/04 the
Department of Construction's letter cites it ("Thực hiện Kế hoạch số 84/KH-UBND ngày
06/4/2020 …") and is linked to it as its child; at the end of the year the plan's lineage
shows each department, its implementing letter and how much of its work is done.

The province started on the platform that April, so its register of outgoing documents
continues the paper one (`PUT /v1/number-series`): the plan takes number 84, as on paper.
Each demo run is a new year: the seed's citation moves to that year's plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import httpx
from rich.table import Table

from chidao.client import check
from chidao.people import People

PROVINCE = "ubnd-thanhhoa"
PAPER_LAST = 83  # documents the province issued on paper that year before the plan
PLAN_DAY = (4, 6)
# The seed's citation of the plan, as printed (twice) in the letter.
SEED_CITATION = re.compile(r"84/KH-UBND ngày 06/4/2020")


def plan_content(year: int) -> dict[str, Any]:
    def duty(code: str, name: str, action: str, due: str) -> dict[str, Any]:
        return {
            "lead_unit": {"code": code, "name": name},
            "coordinating_units": [],
            "action": action,
            "deadline": {"kind": "date", "date": f"{year}-{due}", "text": f"trước ngày {due}"},
        }

    return {
        "content": {
            "doc_type": "plan",
            "subject": "Triển khai thực hiện Đề án Văn hóa công vụ trên địa bàn tỉnh Thanh Hóa",
            "references": [
                {
                    "doc_type": "Quyết định",
                    "number": "1847",
                    "symbol": "QĐ-TTg",
                    "date": "2018-12-27",
                    "issuer": "Thủ tướng Chính phủ",
                    "text": "Quyết định số 1847/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ",
                }
            ],
            "assignments": [
                duty(
                    "SNV",
                    "Sở Nội vụ",
                    "Hướng dẫn, theo dõi, kiểm tra việc thực hiện Đề án; tổng hợp, "
                    "báo cáo UBND tỉnh",
                    "12-20",
                ),
                duty(
                    "SXD",
                    "Sở Xây dựng",
                    "Quán triệt, triển khai Đề án tới cán bộ, công chức, viên chức của Sở; "
                    "báo cáo kết quả về Sở Nội vụ",
                    "12-15",
                ),
                duty(
                    "STC",
                    "Sở Tài chính",
                    "Bố trí kinh phí thực hiện Đề án trong dự toán hằng năm",
                    "06-30",
                ),
            ],
        }
    }


def issue_plan(
    http: httpx.Client,
    directives_url: str,
    province: People,
    year: int,
    at: Callable[[int, int], None],
) -> dict[str, Any]:
    """The province's clerk continues the register and drafts; its chairman issues."""
    at(*PLAN_DAY)
    clerk = province.headers("clerk")
    register = f"{directives_url}/v1/number-series/{PROVINCE}/{year}"
    if check(http.get(register, headers=clerk))["last_issued"] < PAPER_LAST:
        check(http.put(register, json={"last_issued": PAPER_LAST}, headers=clerk))
    draft = check(
        http.post(f"{directives_url}/v1/directives", json=plan_content(year), headers=clerk)
    )
    issued: dict[str, Any] = check(
        http.post(
            f"{directives_url}/v1/directives/{draft['id']}/issue",
            headers=province.headers("leader"),
        )
    )
    return issued


def citing(letter: str, plan: dict[str, Any]) -> str:
    """The seed letter, citing this year's plan by its number and date."""
    day = dt.date.fromisoformat(plan["date"])
    return SEED_CITATION.sub(
        f"{plan['reference']} ngày {day.day:02d}/{day.month}/{day.year}", letter
    )


def lineage(
    http: httpx.Client, directives_url: str, province: People, plan: dict[str, Any]
) -> dict[str, Any]:
    view: dict[str, Any] = check(
        http.get(
            f"{directives_url}/v1/directives/{plan['id']}/lineage",
            headers=province.headers("leader"),
        )
    )
    return view


def lineage_table(view: dict[str, Any]) -> Table:
    """Per department: its duties in the plan, its implementing letters, its progress."""
    d = view["directive"]
    table = Table(
        title=f"[bold]Kế hoạch số {d['reference']}[/bold] của UBND tỉnh: "
        "các Sở triển khai thực hiện",
        title_justify="left",
    )
    table.add_column("Sở")
    table.add_column("Nhiệm vụ trong kế hoạch", justify="right")
    table.add_column("Văn bản triển khai")
    for heading in ("Nhiệm vụ đã giao", "Hoàn thành", "Đúng hạn", "Quá hạn"):
        table.add_column(heading, justify="right")
    for branch in view["departments"]:
        letters = [k["directive"] for k in branch["implementing"]]
        p = branch["progress"]
        table.add_row(
            branch["name"],
            str(len(branch["duties"])),
            ", ".join(f"{k['reference']} ({k['subject']})" for k in letters) or "chưa có",
            *(str(p[k]) for k in ("assigned", "completed", "completed_on_time", "overdue")),
        )
    return table
