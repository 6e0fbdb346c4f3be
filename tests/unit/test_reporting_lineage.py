"""The annual report names the upper directives the department implements: the parents
of its scheme directives (`parent_directive_id`), read from the parents' own
`directive.issued` facts, in the JSON and in the DOCX."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import docx

from services.reporting.adapters.docx.report import implements_lines, write_docx
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.facts import Fact
from shared.contracts.events import DirectiveIssued
from shared.contracts.values import DirectiveContent, DocType
from tests.unit.test_reporting_fixtures import AGENCY_INFO, at, year_2020

PLAN_ID = uuid.UUID("5a0f3a5e-84a0-4c1b-9f3d-0c2e1b7a8d40")
PROVINCE = "ubnd-thanhhoa"


def plan_fact(directive_id: uuid.UUID = PLAN_ID, event_id: str = "plan-84") -> Fact:
    """Kế hoạch 84/KH-UBND of UBND tỉnh Thanh Hóa as the platform issued it."""
    when = at(2020, 4, 6)
    event = DirectiveIssued(
        agency=PROVINCE,
        directive_id=directive_id,
        reference="84/KH-UBND",
        content=DirectiveContent(
            doc_type=DocType.PLAN,
            number="84",
            symbol="KH-UBND",
            issuer="UBND tỉnh Thanh Hóa",
            date=dt.date(2020, 4, 6),
            subject="Thực hiện Đề án Văn hóa công vụ trên địa bàn tỉnh",
        ),
        issued_at=when,
    )
    return Fact(event_id, event.ce_type, event.topic, 0, 900, when, event)


def linked_to_plan(facts: list[Fact], plan: Fact) -> list[Fact]:
    """The story with its scheme directives implementing `plan`, and the plan's fact."""
    assert isinstance(plan.event, DirectiveIssued)
    out = []
    for f in facts:
        if isinstance(f.event, DirectiveIssued):
            event = f.event.model_copy(update={"parent_directive_id": plan.event.directive_id})
            f = Fact(f.event_id, f.ce_type, f.topic, f.partition, f.offset, f.time, event)
        out.append(f)
    return [*out, plan]


def test_the_report_names_the_upper_directive_its_scheme_directive_implements() -> None:
    facts = linked_to_plan(year_2020().facts, plan_fact())
    report = build_annual_report(AGENCY_INFO, 2020, facts, None, at(2020, 12, 15, 8))
    (upper,) = report.implements
    assert (upper.reference, upper.issuer, upper.date) == (
        "84/KH-UBND",
        "UBND tỉnh Thanh Hóa",
        dt.date(2020, 4, 6),
    )
    assert upper.directive_id == str(PLAN_ID) and upper.event_id == "plan-84"
    # The province's plan is not one of the department's own directives.
    assert [d.reference for d in report.directives.items] == ["05/TB-SXD"]
    # The same facts in another order (and the plan's fact twice): the same report.
    again = build_annual_report(
        AGENCY_INFO, 2020, [*reversed(facts), plan_fact()], None, at(2020, 12, 15, 8)
    )
    assert again.implements == report.implements


def test_no_parent_fact_no_upper_directive() -> None:
    """A parent id whose directive.issued the read model does not hold names nothing
    (nothing is guessed), nor does a story without links."""
    plain = build_annual_report(AGENCY_INFO, 2020, year_2020().facts, None, at(2020, 12, 15))
    assert plain.implements == []
    orphan = linked_to_plan(year_2020().facts, plan_fact())[:-1]
    assert build_annual_report(AGENCY_INFO, 2020, orphan, None, at(2020, 12, 15)).implements == []


def test_the_docx_opens_with_the_upper_directives() -> None:
    facts = linked_to_plan(year_2020().facts, plan_fact())
    report = build_annual_report(AGENCY_INFO, 2020, facts, None, at(2020, 12, 15, 8))
    assert implements_lines(report) == [
        "Thực hiện văn bản số 84/KH-UBND ngày 06/04/2020 của UBND tỉnh Thanh Hóa "
        "(Thực hiện Đề án Văn hóa công vụ trên địa bàn tỉnh)."
    ]
    stream = io.BytesIO()
    write_docx(report, stream)
    texts = [p.text for p in docx.Document(io.BytesIO(stream.getvalue())).paragraphs]
    assert implements_lines(report)[0] in texts
    assert texts.index(implements_lines(report)[0]) < texts.index(
        next(t for t in texts if t.startswith("I."))
    )
