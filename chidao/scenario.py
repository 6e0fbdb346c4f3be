"""One year of the seed letter, played on the real services through their APIs.

The story (year Y, the seed's is 2020):
- 20/04: the letter is imported; the clerk fills in the blank deadline of the rules
  review (30/06) and issues it.
- 05/05: every unit acknowledges; every unit but one confirms dissemination with the
  number of staff reached (the last affiliated unit never answers).
- 15/07: the Office completes the rules review, late.
- October: an inspection of three divisions (team from the Office, the Trade Union and
  the Inspectorate) finds two violations with remediation due 15/11; the Office closes
  its inspection duty; one unit remedies in time (verified 12/11), the other never.
- The clock walks through the reminders (15/11, 08/12, 14/12) and past the deadline
  (16/12); the report is generated, written as JSON and DOCX, and submitted.
Each step waits until its events have flowed through Kafka to the next service, and
each is done by the person whose job it is, signed in (`chidao.people`): the clerk
imports, the leader issues and submits, each unit's head reports on its own tasks, the
inspector inspects, the operator moves the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from chidao.client import check, export_report, get_all, wait_until
from chidao.people import People
from shared.clock import VN_TZ
from shared.contracts.values import DirectiveContent

SEED = Path(__file__).parent / "samples" / "tb-sxd-thanhhoa-2020.txt"
SERVICES = ("directives", "tasks", "inspections", "reporting")
STEPS = 11

Step = Callable[[str], None]


@dataclass
class PlayedYear:
    year: int
    directive: dict[str, Any]
    tasks: list[dict[str, Any]]
    silent_unit: str
    inspected: list[str]
    violations: list[dict[str, Any]]
    report: dict[str, Any] = field(default_factory=dict)
    import_warnings: list[dict[str, Any]] = field(default_factory=list)
    final_tasks: list[dict[str, Any]] = field(default_factory=list)
    issue_trace_id: str = ""
    generation_trace_id: str = ""
    paths: list[Path] = field(default_factory=list)


class YearScenario:
    def __init__(
        self,
        client: httpx.Client,
        urls: dict[str, str],
        year: int,
        out_dir: Path,
        people: People,
        step: Step = lambda _: None,
        letter: str | None = None,
    ) -> None:
        self.agency = people.agency
        self.people = people
        self.http = client
        self.urls = urls
        self.year = year
        self.issue_trace_id = ""
        self.import_warnings: list[dict[str, Any]] = []
        self.out_dir = out_dir
        self.step = step
        self.letter = letter if letter is not None else SEED.read_text(encoding="utf-8")

    def _url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}{path}"

    def at(self, month: int, day: int, hour: int = 9) -> None:
        """Move every service's clock (frozen, so event times are exact)."""
        when = dt.datetime(self.year, month, day, hour, 0, tzinfo=VN_TZ)
        for service in SERVICES:
            check(
                self.http.put(
                    self._url(service, "/v1/clock"),
                    json={"now": when.isoformat(), "frozen": True},
                    headers=self.people.headers("operator"),
                )
            )

    def tasks(self, **params: Any) -> list[dict[str, Any]]:
        """As the leader sees them: every task of the department."""
        return get_all(
            self.http, self._url("tasks", "/v1/tasks"), params, self.people.headers("leader")
        )

    def task_action(self, task: dict[str, Any], action: str, body: dict[str, Any]) -> None:
        """Done by the head of the task's lead unit, as only they may."""
        unit_head = self.people.headers("unit_head", task["lead_unit"]["code"])
        url = self._url("tasks", f"/v1/tasks/{task['id']}/{action}")
        check(self.http.post(url, json=body, headers=unit_head))

    def play(self) -> PlayedYear:
        directory = check(
            self.http.get(
                self._url("directives", f"/v1/org/{self.agency}"),
                headers=self.people.headers("clerk"),
            )
        )
        staff = {u["code"]: u.get("staff") or 0 for u in directory["units"]}
        self.step(f"20/04/{self.year}: nhập và ban hành văn bản")
        directive = self._issue()
        tasks = wait_until(
            "the tasks of the directive",
            lambda: (
                t
                if len(t := self.tasks(directive_id=directive["id"]))
                >= len(directive["assignments"])
                else None
            ),
        )
        dissemination = [t for t in tasks if t["action"].startswith("Quán triệt")]
        office = [t for t in tasks if t["lead_unit"]["code"] == "VP"]
        silent = sorted(dissemination, key=lambda t: t["lead_unit"]["name"])[-1]

        self.step(f"05/05/{self.year}: các đơn vị tiếp nhận và xác nhận đã quán triệt")
        self.at(5, 5)
        for task in dissemination:
            if task is silent:
                continue
            self.task_action(task, "acknowledge", {"by": f"Trưởng {task['lead_unit']['name']}"})
            self.task_action(
                task,
                "complete",
                {
                    "result": "Đã quán triệt tới toàn thể cán bộ, công chức, viên chức",
                    "staff_reached": staff.get(task["lead_unit"]["code"], 0),
                },
            )
        for task in office:
            self.task_action(task, "acknowledge", {"by": "Chánh Văn phòng"})

        self.step(f"15/07/{self.year}: Văn phòng hoàn thành rà soát quy chế (quá hạn 30/06)")
        self.at(7, 15)
        review = next(t for t in office if t["action"].startswith("Rà soát"))
        self.task_action(review, "complete", {"result": "Đã ban hành Quy chế văn hóa công sở"})

        self.step(f"10/{self.year}: kiểm tra 3 phòng, phát hiện 2 vi phạm")
        inspected = ["KHTC", "QLHDXD", "QHKT"]
        violations = self._inspect(inspected)
        inspection_task = next(t for t in office if t["action"].startswith("Kiểm tra"))
        self.at(10, 20)
        self.task_action(inspection_task, "complete", {"result": "Đã kiểm tra 3 phòng"})
        remediation = wait_until(
            "the remediation tasks",
            lambda: (
                r
                if len(
                    r := [
                        t
                        for t in self.tasks(agency=self.agency)
                        if t["violation_id"] in {v["id"] for v in violations}
                    ]
                )
                == 2
                else None
            ),
        )

        self.step(f"10-12/11/{self.year}: một đơn vị khắc phục đúng hạn, đoàn xác minh")
        fixed = next(v for v in violations if v["unit"]["code"] == "KHTC")
        self.at(11, 10)
        self.task_action(
            next(t for t in remediation if t["violation_id"] == fixed["id"]),
            "complete",
            {"result": "Đã chấn chỉnh giờ giấc làm việc"},
        )
        self.at(11, 12)
        check(
            self.http.post(
                self._url("inspections", f"/v1/violations/{fixed['id']}/verify"),
                json={"note": "Đã kiểm tra lại, thực hiện nghiêm"},
                headers=self.people.headers("inspector"),
            )
        )

        reminder_days = (
            (11, 15, "nhắc trước 30 ngày"),
            (12, 8, "nhắc trước 7 ngày"),
            (12, 14, "nhắc trước 1 ngày"),
            (12, 16, "quá hạn báo cáo"),
        )
        for sent, (month, day, label) in enumerate(reminder_days, start=1):
            self.step(f"{day:02d}/{month:02d}/{self.year}: {label}")
            self.at(month, day)
            self._wait_reminders(directive["id"], sent, label)

        self.step("Lập báo cáo năm (JSON, DOCX) và gửi")
        played = PlayedYear(
            self.year, directive, tasks, silent["lead_unit"]["code"], inspected, violations
        )
        played.issue_trace_id = self.issue_trace_id
        played.import_warnings = self.import_warnings
        self._wait_caught_up(directive, violations)
        leader = self.people.headers("leader")
        response = self.http.get(
            self._url("reporting", f"/v1/reports/{self.agency}/{self.year}"), headers=leader
        )
        played.report = check(response)
        played.generation_trace_id = response.headers.get("X-Trace-Id", "")
        played.paths = export_report(
            self.urls["reporting"],
            self.agency,
            self.year,
            self.out_dir,
            client=self.http,
            headers=leader,
        )
        check(
            self.http.post(
                self._url("reporting", f"/v1/reports/{self.agency}/{self.year}/submit"),
                headers=leader,
            )
        )
        report_task = next(t for t in office if t["deadline"]["kind"] == "yearly")
        self.task_action(report_task, "complete", {"result": "Đã gửi báo cáo năm"})
        played.final_tasks = self.tasks(directive_id=directive["id"])
        return played

    def reminders(self, directive_id: str) -> list[dict[str, Any]]:
        found = get_all(
            self.http,
            self._url("reporting", "/v1/reminders"),
            {"agency": self.agency},
            self.people.headers("leader"),
        )
        return [r for r in found if r["directive_id"] == directive_id]

    def _wait_reminders(self, directive_id: str, count: int, label: str) -> None:
        def arrived() -> bool:
            return len(self.reminders(directive_id)) >= count

        wait_until(f"report.due ({label})", arrived)

    def _issue(self) -> dict[str, Any]:
        self.at(4, 20)
        clerk = self.people.headers("clerk")
        draft = check(
            self.http.post(
                self._url("directives", "/v1/directives/import"),
                json={"text": self.letter, "agency": self.agency},
                headers=clerk,
            )
        )
        self.import_warnings = list(draft["warnings"])
        content = {k: draft[k] for k in DirectiveContent.model_fields}
        for assignment in content["assignments"]:
            if assignment["action"].startswith("Rà soát"):
                assignment["deadline"] = {
                    "kind": "date",
                    "date": f"{self.year}-06-30",
                    "text": f"trước ngày 30/6/{self.year}",
                }
        check(
            self.http.put(
                self._url("directives", f"/v1/directives/{draft['id']}"),
                json=content,
                headers=clerk,
            )
        )
        response = self.http.post(
            self._url("directives", f"/v1/directives/{draft['id']}/issue"),
            headers=self.people.headers("leader"),
        )
        issued: dict[str, Any] = check(response)
        self.issue_trace_id = response.headers.get("X-Trace-Id", "")
        return issued

    def _inspect(self, units: list[str]) -> list[dict[str, Any]]:
        self.at(10, 5)
        inspector = self.people.headers("inspector")
        criteria = check(self.http.get(self._url("inspections", "/v1/criteria"), headers=inspector))
        plan = check(
            self.http.post(
                self._url("inspections", "/v1/inspections"),
                headers=inspector,
                json={
                    "agency": self.agency,
                    "title": f"Kiểm tra việc thực hiện văn hóa công vụ năm {self.year}",
                    "decision": {
                        "number": "45",
                        "symbol": "QĐ-SXD",
                        "date": f"{self.year}-10-01",
                        "issuer": "Giám đốc Sở Xây dựng",
                    },
                    "team": [
                        {"name": "Lê Thị Hương", "role": "head", "unit": "VP"},
                        {"name": "Nguyễn Văn Bình", "role": "member", "unit": "CDCQ"},
                        {"name": "Trần Minh Đức", "role": "member", "unit": "TTr"},
                    ],
                    "targets": units,
                    "period_start": f"{self.year}-10-05",
                    "period_end": f"{self.year}-10-12",
                },
            )
        )
        findings = {
            ("KHTC", "ATT-HOURS"): ("moderate", "Một số công chức đi muộn, về sớm"),
            ("QHKT", "DRESS-BADGE"): ("minor", "Không đeo thẻ công chức khi tiếp dân"),
        }
        results = []
        for unit in units:
            for criterion in criteria:
                found = findings.get((unit, criterion["code"]))
                result: dict[str, Any] = {"unit": unit, "criterion": criterion["code"]}
                if found:
                    result["finding"] = {
                        "severity": found[0],
                        "description": found[1],
                        "evidence": "Sổ theo dõi, ảnh chụp",
                        "remediation_due": f"{self.year}-11-15",
                    }
                results.append(result)
        check(
            self.http.post(
                self._url("inspections", f"/v1/inspections/{plan['id']}/results"),
                json=results,
                headers=inspector,
            )
        )
        self.at(10, 12)
        check(
            self.http.post(
                self._url("inspections", f"/v1/inspections/{plan['id']}/complete"),
                headers=inspector,
            )
        )
        return get_all(
            self.http,
            self._url("inspections", "/v1/violations"),
            {"inspection_id": plan["id"]},
            inspector,
        )

    def _wait_caught_up(self, directive: dict[str, Any], violations: list[dict[str, Any]]) -> None:
        """The report reads the reporting service's read model: wait for the last events."""

        def caught_up() -> bool:
            report = check(
                self.http.get(
                    self._url("reporting", f"/v1/reports/{self.agency}/{self.year}"),
                    headers=self.people.headers("leader"),
                )
            )
            return bool(report["inspections"]["resolved"]["value"] >= 1)

        wait_until("the reporting read model", caught_up)
