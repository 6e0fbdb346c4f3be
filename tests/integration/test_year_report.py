"""A year of the seed letter played on the real stack, and its annual report: exact
figures, replay equality, a second separate year, the DOCX, the reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import docx
import httpx
import jsonschema

from chidao.contracts import CONTRACTS_DIR
from chidao.scenario import PlayedYear, YearScenario
from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope
from shared.contracts.events import PUBLIC_TOPICS, TOPIC_REPORTS, TOPIC_TASKS, TaskProgressReported
from tests.integration.conftest import TEST_SOURCE, Platform
from tests.integration.helpers import ok
from tests.integration.kafka_tools import produce, read_topic

# Years no other test touches, so the figures are this story's alone.
YEAR = 2027


def play(platform: Platform, year: int, out: Path) -> PlayedYear:
    """The year as its people play it, in the session's own agency (its accounts are
    the demo department's, cloned: `platform.scenario_people`)."""
    urls = {s: platform.url(s) for s in ("directives", "tasks", "inspections", "reporting")}
    with httpx.Client(timeout=60) as client:
        return YearScenario(client, urls, year, out, platform.scenario_people).play()


def value(figure: dict[str, Any]) -> Any:
    return figure["value"]


async def test_the_year_played_gives_exact_figures(platform: Platform, tmp_path: Path) -> None:
    played = await asyncio.to_thread(play, platform, YEAR, tmp_path)
    report = played.report
    assert (report["agency"], report["year"]) == (platform.scenario_agency, YEAR)
    assert report["period"]["start"] == f"{YEAR - 1}-12-15"
    assert report["period"]["end"] == f"{YEAR}-12-14"
    assert [d["reference"] for d in report["directives"]["items"]] == [
        played.directive["reference"]
    ]

    # 6 divisions + 2 affiliated units were asked to disseminate; one never answered.
    dissemination = report["dissemination"]
    assert value(dissemination["units_total"]) == 8
    assert value(dissemination["units_confirmed"]) == 7
    assert [u["code"] for u in value(dissemination["units_not_confirmed"])] == ["VQHKT"]
    directory = httpx.get(
        f"{platform.url('directives')}/v1/org/{platform.scenario_agency}",
        headers=platform.scenario_people.headers("clerk"),
    ).json()
    staff = {u["code"]: u["staff"] for u in directory["units"]}
    confirmed = {
        t["lead_unit"]["code"] for t in played.tasks if t["action"].startswith("Quán triệt")
    } - {"VQHKT"}
    assert value(dissemination["staff_reached"]) == sum(staff[c] for c in confirmed)

    # 11 duties of the letter + 2 remediation tasks, as of 14/12:
    # on time: 7 disseminations, the inspection duty, the remedied violation;
    # late: the rules review (due 30/06, done 15/07);
    # open within deadline: the silent unit's dissemination, the yearly report (15/12);
    # open overdue: the violation never remedied (due 15/11).
    tasks = report["tasks"]
    assert value(tasks["total"]) == 13
    assert value(tasks["done_on_time"]) == 9
    assert value(tasks["done_late"]) == 1
    assert value(tasks["open_in_deadline"]) == 2
    assert value(tasks["open_overdue"]) == 1
    assert len(tasks["done_late"]["event_ids"]) >= 1

    inspections = report["inspections"]
    assert value(inspections["inspections"]) == 1
    assert value(inspections["units_inspected"]) == 3
    assert value(inspections["findings"]) == 2
    assert value(inspections["findings_by_area"]["attitude"]) == 1
    assert value(inspections["findings_by_area"]["dress"]) == 1
    assert value(inspections["findings_by_area"]["ethics"]) == 0
    assert value(inspections["findings_by_severity"]["moderate"]) == 1
    assert value(inspections["findings_by_severity"]["minor"]) == 1
    assert value(inspections["resolved"]) == 1
    assert value(inspections["resolved_on_time"]) == 1

    rows = {u["code"]: u for u in report["units"]}
    assert value(rows["VQHKT"]["dissemination_confirmed"]) is False
    assert value(rows["KHTC"]["inspected"]) is True and value(rows["KHTC"]["findings"]) == 1
    assert report["offsets"] and report["event_count"] > 0

    # The files: JSON as served, DOCX in the Decree 30 layout.
    json_path, docx_path = played.paths
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    assert saved["tasks"]["done_late"] == tasks["done_late"]
    document = docx.Document(str(docx_path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text + cells
    assert "Độc lập - Tự do - Hạnh phúc" in text + cells
    assert f"Kết quả thực hiện Đề án Văn hóa công vụ năm {YEAR}" in text + cells
    assert "Đào Vũ Việt" in text + cells
    assert "Hoàn thành quá hạn" in cells
    assert len(document.tables) >= 4

    await _reminders_and_submission_are_public(platform, played)
    await _rebuild_gives_the_same_report(platform, report)
    await _duplicates_and_late_arrivals_change_nothing(platform)
    await _a_second_year_is_a_separate_report(platform, tmp_path, report)


async def _reminders_and_submission_are_public(platform: Platform, played: PlayedYear) -> None:
    def ours(records: list[Any]) -> list[Any]:
        return [
            r
            for r in records
            if (r.value and json.loads(r.value).get("directive_id") == played.directive["id"])
            or (r.headers.get("ce_subject") == f"{platform.scenario_agency}/{YEAR}")
        ]

    records = ours(await read_topic(platform.kafka, TOPIC_REPORTS, lambda rs: len(ours(rs)) >= 5))
    kinds = sorted(
        (json.loads(r.value).get("kind"), json.loads(r.value).get("days_before"))
        for r in records
        if r.headers["ce_type"] == "chidao.report.due.v1"
    )
    assert kinds == [("overdue", None), ("reminder", 1), ("reminder", 7), ("reminder", 30)]
    submitted = [r for r in records if r.headers["ce_type"] == "chidao.report.submitted.v1"]
    assert len(submitted) == 1
    for record in records:
        schema = json.loads(
            (CONTRACTS_DIR / f"{record.headers['ce_type']}.schema.json").read_text(encoding="utf-8")
        )
        jsonschema.validate(json.loads(record.value), schema)
    body = json.loads(submitted[0].value)
    assert body["on_time"] is False and body["report"]["year"] == YEAR


def _agency_of(value: bytes) -> str | None:
    try:
        body = json.loads(value)
    except ValueError:
        return None
    return body.get("agency") if isinstance(body, dict) else None


def _figures(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "offsets"}


async def _rebuild_gives_the_same_report(platform: Platform, played: dict[str, Any]) -> None:
    url = platform.url("reporting")
    report_url = f"{url}/v1/reports/{platform.scenario_agency}/{YEAR}"
    operator = platform.scenario_people.headers("operator")  # the rebuild is theirs
    async with platform.client(platform.scenario_people.headers("leader")) as http:
        # Wait until the live read model holds every event of the agency on the topics.
        agency = platform.scenario_agency
        on_topics = 0
        for topic in PUBLIC_TOPICS:
            records = await read_topic(platform.kafka, topic)
            on_topics += sum(
                1
                for r in records
                if r.value
                and r.headers.get("ce_source") != TEST_SOURCE
                and _agency_of(r.value) == agency
            )
        before: dict[str, Any] = {}
        for _ in range(240):
            before = (await http.get(report_url)).json()
            if before["event_count"] == on_topics:
                break
            await asyncio.sleep(0.5)
        assert before["event_count"] == on_topics
        assert before["tasks"] == played["tasks"]
        rebuilt = ok(await http.post(f"{url}/v1/admin/rebuild", headers=operator, timeout=300))
        assert rebuilt["facts"] > 0
        after = (await http.get(report_url)).json()
    # Offsets cover every topic, which the other tests keep writing to; compare the rest.
    assert _figures(after) == _figures(before)
    for topic, partitions in before["offsets"].items():
        for partition, offset in partitions.items():
            assert after["offsets"][topic][partition] >= offset


async def _duplicates_and_late_arrivals_change_nothing(platform: Platform) -> None:
    """An event delivered twice, and an older event arriving after newer ones."""
    url = f"{platform.url('reporting')}/v1/reports/{platform.scenario_agency}/{YEAR}"
    leader = platform.scenario_people.headers("leader")
    async with platform.client(leader) as http:
        before = (await http.get(url)).json()
    behind = set(before["tasks"]["done_late"]["event_ids"])
    records = await read_topic(
        platform.kafka,
        TOPIC_TASKS,
        lambda rs: any(r.headers.get("ce_id") in behind for r in rs),
    )
    (completed,) = [
        r
        for r in records
        if r.headers.get("ce_id") in behind and r.headers["ce_type"] == "chidao.task.completed.v1"
    ]
    assert completed.value is not None and completed.key is not None
    # 1. The same event again (a redelivery, a redrive): same ce_id.
    await produce(platform.kafka, TOPIC_TASKS, completed.value, completed.key, completed.headers)
    # 2. A progress report from before the completion, arriving only now (new ce_id).
    body = json.loads(completed.value)
    earlier = TaskProgressReported(
        agency=body["agency"],
        task_id=body["task_id"],
        directive_id=body["directive_id"],
        lead_unit=body["lead_unit"],
        at=dt.datetime(YEAR, 7, 1, 9, tzinfo=VN_TZ),
        percent=60,
        note="Đang dự thảo",
    )
    envelope = Envelope(
        event=earlier, source="chidao/tasks", time=dt.datetime(YEAR, 7, 1, 2, tzinfo=dt.UTC)
    )
    await produce(
        platform.kafka,
        TOPIC_TASKS,
        envelope.value(),
        envelope.subject.encode(),
        envelope.headers(),
    )
    async with platform.client(leader) as http:
        for _ in range(120):
            after = (await http.get(url)).json()
            if after["event_count"] == before["event_count"] + 1:
                break
            await asyncio.sleep(0.5)
    assert after["event_count"] == before["event_count"] + 1  # the duplicate added nothing
    for section in ("tasks", "dissemination", "inspections", "units", "directives"):
        assert after[section] == before[section], section


async def _a_second_year_is_a_separate_report(
    platform: Platform, tmp_path: Path, first: dict[str, Any]
) -> None:
    played = await asyncio.to_thread(play, platform, YEAR + 1, tmp_path / "second")
    second = played.report
    assert second["year"] == YEAR + 1
    assert [d["reference"] for d in second["directives"]["items"]] == [
        played.directive["reference"]
    ]
    # The first year's yearly report duty recurs: its next occurrence is in this year.
    assert second["tasks"]["total"]["value"] == 14
    assert second["tasks"]["open_in_deadline"]["value"] == 3
    assert not set(second["tasks"]["total"]["event_ids"]) & set(
        first["tasks"]["total"]["event_ids"]
    )
    assert dt.date.fromisoformat(second["period"]["start"]) == dt.date(YEAR, 12, 15)
