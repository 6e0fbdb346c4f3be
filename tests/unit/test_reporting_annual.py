"""The annual report of the hand-built 2020 year: the figures the Office checks, the
events behind them, and equality under duplication, reordering and other agencies."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import replace
from typing import Any

import pytest

from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.facts import Fact
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.scheme import is_scheme
from shared.contracts.values import DirectiveContent, DocType, DocumentRef, Signer
from tests.unit.test_reporting_fixtures import (
    AGENCY,
    AGENCY_INFO,
    D1,
    FactLog,
    at,
    directory_event,
    year_2020,
)

D = dt.date
GENERATED = at(2020, 12, 15, 8)


def build(facts: list[Fact], **kw: Any) -> AnnualReport:
    return build_annual_report(AGENCY_INFO, 2020, facts, kw.get("narrative"), GENERATED)


@pytest.fixture(scope="module")
def report() -> AnnualReport:
    return build(year_2020().facts)


def test_heading_fields_come_first_in_the_json_form(report: AnnualReport) -> None:
    form = report.model_dump(mode="json")
    assert list(form)[:10] == [
        "agency",
        "year",
        "title",
        "agency_name",
        "short_name",
        "province",
        "period",
        "cutoff",
        "generated_at",
        "directives",
    ]
    assert form["title"] == "Báo cáo kết quả thực hiện Đề án Văn hóa công vụ năm 2020"
    assert form["period"] == {"start": "2019-12-15", "end": "2020-12-14", "label": "năm 2020"}
    assert form["cutoff"] == "2020-12-15T00:00:00+07:00"


def test_only_the_scheme_directive_is_listed(report: AnnualReport) -> None:
    assert report.directives.count.model_dump() == {"value": 1, "event_ids": ["d1"]}
    [item] = report.directives.items
    assert (item.reference, item.date, item.event_id) == ("05/TB-SXD", D(2020, 4, 20), "d1")


def test_task_categories_and_their_events(report: AnnualReport) -> None:
    t = report.tasks
    assert (t.total.value, t.cancelled.value) == (9, 1)
    assert [
        (s.value, s.percent)
        for s in (t.done_on_time, t.done_late, t.open_in_deadline, t.open_overdue)
    ] == [(2, 22.2), (1, 11.1), (3, 33.3), (3, 33.3)]
    assert t.done_on_time.event_ids == ["r1-a", "r1-c", "t1-a", "t1-c"]
    assert t.done_late.event_ids == ["t2-a", "t2-c"]
    assert t.open_in_deadline.event_ids == ["t4-a", "t5-a", "t6-a", "t6-x"]
    assert t.open_overdue.event_ids == ["r2-a", "t3-a", "t8-a"]
    assert t.cancelled.event_ids == ["t7-a", "t7-x"]
    assert not any("t9" in i for i in t.total.event_ids)  # the unrelated directive's task


def test_tasks_per_unit(report: AnnualReport) -> None:
    per_unit = {u.unit.code: u for u in report.tasks.per_unit}
    assert set(per_unit) == {"VP", "KHTC", "QLHDXD", "TTr"}
    vp = per_unit["VP"]
    assert (vp.total.value, vp.done_on_time.value, vp.open_in_deadline.value) == (5, 2, 3)
    assert (vp.done_on_time.percent, vp.open_in_deadline.percent) == (40.0, 60.0)
    khtc = per_unit["KHTC"]
    assert (khtc.total.value, khtc.done_late.value, khtc.open_overdue.value) == (2, 1, 1)


def test_dissemination_coverage(report: AnnualReport) -> None:
    d = report.dissemination
    assert (d.units_total.value, d.units_confirmed.value) == (3, 2)
    assert [u.code for u in d.units_not_confirmed.value] == ["QLHDXD"]
    assert d.units_not_confirmed.event_ids == ["t3-a"]
    assert (d.staff_total.value, d.staff_total.event_ids) == (14 + 8 + 10, ["org"])
    assert (d.staff_reached.value, d.staff_reached_percent) == (22, 68.8)
    assert d.staff_reached.event_ids == ["t1-a", "t1-c", "t2-a", "t2-c"]


def test_inspection_figures(report: AnnualReport) -> None:
    i = report.inspections
    assert (i.inspections.value, i.units_inspected.value, i.findings.value) == (1, 2, 2)
    assert i.inspections.event_ids == ["i1"]
    assert {a: f.value for a, f in i.findings_by_area.items()} == {
        "attitude": 0,
        "conduct": 1,
        "ethics": 0,
        "dress": 1,
    }
    assert {s: f.value for s, f in i.findings_by_severity.items()} == {
        "minor": 1,
        "moderate": 1,
        "serious": 0,
    }
    assert i.findings_by_area["conduct"].event_ids == ["v1"]
    assert (i.resolved.value, i.resolved_on_time.value, i.unresolved.value) == (1, 1, 1)
    assert i.resolved.event_ids == ["v1-r"]
    assert i.unresolved.event_ids == ["v2"]


def test_unit_table_rows_every_working_unit_in_directory_order(report: AnnualReport) -> None:
    assert [u.code for u in report.units] == ["VP", "TTr", "KHTC", "QLHDXD", "CDCQ"]
    rows = {u.code: u for u in report.units}
    vp, khtc, cd = rows["VP"], rows["KHTC"], rows["CDCQ"]
    assert (vp.dissemination_confirmed.value, vp.staff_reached.value) == (True, 14)
    assert (vp.inspected.value, vp.findings.value, vp.findings_resolved.value) == (True, 1, 1)
    assert vp.findings_resolved.event_ids == ["v1-r"]
    assert (khtc.findings.value, khtc.findings_resolved.value) == (1, 0)
    assert rows["QLHDXD"].dissemination_confirmed.value is False
    assert rows["TTr"].dissemination_confirmed.value is None  # had nothing to disseminate
    assert (cd.tasks.total.value, cd.inspected.value) == (0, False)


def test_drafted_narrative_quotes_the_figures(report: AnnualReport) -> None:
    n = report.narrative
    assert list(n) == ["overview", "results", "limitations", "next_year", "proposals"]
    assert n["overview"].title == "I. Đánh giá chung"
    assert n["next_year"].title == "IV. Phương hướng, nhiệm vụ năm 2021"
    assert "05/TB-SXD ngày 20/04/2020" in n["overview"].text
    assert "từ ngày 15/12/2019 đến ngày 14/12/2020" in n["overview"].text
    assert "hoàn thành đúng hạn 2 (22,2%)" in n["results"].text
    assert "Phòng Quản lý hoạt động xây dựng" in n["limitations"].text
    assert {s.source for s in n.values()} == {"drafted"}


def test_the_office_text_replaces_a_drafted_section() -> None:
    r = build(year_2020().facts, narrative={"proposals": "Không có kiến nghị."})
    assert (r.narrative["proposals"].text, r.narrative["proposals"].source) == (
        "Không có kiến nghị.",
        "office",
    )
    assert r.narrative["overview"].source == "drafted"


def test_signer_recipients_and_coverage(report: AnnualReport) -> None:
    assert report.signer is not None
    assert (report.signer.title, report.signer.name) == ("Giám đốc", "Đào Vũ Việt")
    assert report.recipients == ["Sở Nội vụ (b/c)", "UBND tỉnh (b/c)", "Lưu: VT, VP"]
    assert report.offsets == {
        "chidao.directives.v1": {"0": 1},
        "chidao.inspections.v1": {"0": 3},
        "chidao.org.v1": {"0": 0},
        "chidao.tasks.v1": {"0": 17},
    }
    assert report.event_count == len(year_2020().facts)


def canonical(report: AnnualReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, sort_keys=False)


def test_shuffled_and_duplicated_facts_give_an_identical_json(report: AnnualReport) -> None:
    facts = year_2020().facts
    rng = random.Random(1847)
    for _ in range(5):
        shuffled = facts + rng.sample(facts, 6)  # redelivered events, same ids and offsets
        rng.shuffle(shuffled)
        assert canonical(build(shuffled)) == canonical(report)


def test_a_redelivery_at_another_offset_changes_only_the_coverage(report: AnnualReport) -> None:
    facts = year_2020().facts
    again = replace(next(f for f in facts if f.event_id == "d1"), offset=999)
    redelivered = build([*facts, again]).model_dump(mode="json")
    original = report.model_dump(mode="json")
    assert redelivered["tasks"] == original["tasks"]
    assert redelivered["event_count"] == original["event_count"]
    assert redelivered["offsets"]["chidao.directives.v1"] == {"0": 999}


def test_facts_of_another_agency_are_ignored_but_covered(report: AnnualReport) -> None:
    other = FactLog(agency="snv-thanhhoa")
    other.add("o-org", directory_event("snv-thanhhoa"), at(2020, 1, 2))
    other.directive("o-d1", D1, "01/KH-SNV", D(2020, 3, 1), "Thực hiện văn hóa công vụ")
    other.assign("o-a", "OT", "VP", at(2020, 3, 1), D(2020, 4, 1))
    mixed = build(year_2020().facts + other.facts).model_dump(mode="json")
    original = report.model_dump(mode="json")
    for key in ("directives", "dissemination", "tasks", "inspections", "units", "narrative"):
        assert mixed[key] == original[key]
    assert mixed["event_count"] == original["event_count"] + 3


def test_events_on_14_12_and_15_12_fall_in_consecutive_years() -> None:
    log = FactLog()
    log.directive("late", uuid.UUID(int=11), "20/KH-SXD", D(2020, 12, 14), "Văn hóa công vụ")
    log.directive("early", uuid.UUID(int=12), "01/KH-SXD", D(2020, 12, 15), "Văn hóa công vụ")
    log.assign("a14", "A14", "VP", at(2020, 12, 14, 23), None, directive=uuid.UUID(int=11))
    log.assign("a15", "A15", "VP", at(2020, 12, 15, 0), None, directive=uuid.UUID(int=12))
    r2020 = build_annual_report(AGENCY_INFO, 2020, log.facts, None, GENERATED)
    r2021 = build_annual_report(AGENCY_INFO, 2021, log.facts, None, GENERATED)
    assert [d.reference for d in r2020.directives.items] == ["20/KH-SXD"]
    assert [d.reference for d in r2021.directives.items] == ["01/KH-SXD"]
    assert r2020.tasks.total.event_ids == ["a14"]
    assert r2021.tasks.total.event_ids == ["a15"]


def test_a_directive_revoked_before_the_cut_off_is_not_listed() -> None:
    from shared.contracts.events import DirectiveRevoked

    log = year_2020()
    revoked = DirectiveRevoked(
        agency=AGENCY,
        directive_id=D1,
        reference="05/TB-SXD",
        reason="Thay thế",
        revoked_at=at(2020, 12, 20),
    )
    log.add("rev", revoked, at(2020, 12, 20))
    assert build(log.facts).directives.count.value == 1  # revoked after the cut-off
    early = replace(log.facts[-1], event=revoked.model_copy(update={"revoked_at": at(2020, 12, 1)}))
    assert build([*log.facts[:-1], early]).directives.count.value == 0


def test_the_seed_letter_is_recognised_as_a_scheme_directive() -> None:
    seed = DirectiveContent(
        doc_type=DocType.NOTICE,
        subject="Triển khai thực hiện Kế hoạch thực hiện Đề án văn hóa công vụ",
        signer=Signer(title="Giám đốc", name="Đào Vũ Việt"),
    )
    assert is_scheme(seed)
    by_reference = DirectiveContent(
        doc_type=DocType.PLAN,
        subject="Kế hoạch năm 2021",
        references=(DocumentRef(number="1847", symbol="QĐ-TTg"),),
    )
    assert is_scheme(by_reference)
    assert not is_scheme(DirectiveContent(doc_type=DocType.NOTICE, subject="Kế hoạch vốn"))
