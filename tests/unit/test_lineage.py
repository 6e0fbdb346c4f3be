"""The pure rules of the cascade (services/directives/domain/lineage.py): who is whose
upper body, which agencies a directive addresses, which issued directive a reference
designates, the tree and its counts; and the console page that shows it."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from services.console.web import templates
from services.directives.domain.directory import load_directory
from services.directives.domain.lineage import (
    Candidate,
    Node,
    Summary,
    TaskRow,
    addressed_agencies,
    build_node,
    counts,
    duties_of,
    match_parent,
    ref_serial,
    upper_bodies,
)
from services.directives.entrypoints.api import LineageView
from services.directives.settings import DIRECTORIES
from shared.auth import Principal, Role
from shared.contracts.values import Assignment, DirectiveContent, DocType, DocumentRef, UnitRef

UBND = load_directory(DIRECTORIES / "ubnd-thanhhoa.yaml")
ALL = [load_directory(p) for p in sorted(DIRECTORIES.glob("*.yaml"))]


def test_each_department_of_a_province_has_the_peoples_committee_as_its_upper_body() -> None:
    uppers = upper_bodies(ALL)
    assert uppers["sxd-thanhhoa"] == ("ubnd-thanhhoa",)
    assert uppers["sxd-nghean"] == ("ubnd-nghean",)
    assert "ubnd-thanhhoa" not in uppers  # nothing above the province here
    # Every department with a file is a unit of its province's committee.
    departments = {d.code for d in ALL if d.level == "department"}
    assert departments <= set(uppers)


def test_a_unit_naming_an_agency_of_another_province_makes_no_upper_body() -> None:
    wrong = [d for d in ALL if d.code == "sxd-nghean"]
    moved = UBND.__class__(
        code=UBND.code,
        name=UBND.name,
        short_name=UBND.short_name,
        province=UBND.province,
        units=tuple(
            u.model_copy(update={"agency": "sxd-nghean"}) if u.code == "SXD" else u
            for u in UBND.units
        ),
        level=UBND.level,
    )
    assert "sxd-nghean" not in upper_bodies([moved, *wrong])


def duty(lead: str, *coordinating: str) -> Assignment:
    return Assignment(
        lead_unit=UnitRef(code=lead, name=lead),
        coordinating_units=tuple(UnitRef(code=c, name=c) for c in coordinating),
        action=f"Việc của {lead}",
    )


PLAN = DirectiveContent(
    doc_type=DocType.PLAN,
    subject="Kế hoạch",
    assignments=(duty("SXD", "SGTVT", "CA"), duty("LD"), duty("SGTVT", "SXD")),
)


def test_the_agencies_addressed_are_the_lead_and_coordinating_units_that_are_agencies() -> None:
    # Công an tỉnh (external) and the committee's own leadership are no agencies here.
    assert addressed_agencies(PLAN, UBND) == ("sxd-thanhhoa", "sgtvt-thanhhoa")
    assert [(d.index, d.role) for d in duties_of(PLAN, UBND, "sxd-thanhhoa")] == [
        (0, "lead"),
        (2, "coordinate"),
    ]
    assert duties_of(PLAN, UBND, "stp-thanhhoa") == []


P1, P2 = uuid.UUID(int=1), uuid.UUID(int=2)
CANDIDATES = [
    Candidate(P1, "ubnd-thanhhoa", 84, "KH-UBND", 2020),
    Candidate(P2, "ubnd-thanhhoa", 84, "KH-UBND", 2021),
]


def ref(number: str | None, symbol: str | None, date: dt.date | None = None) -> DocumentRef:
    return DocumentRef(number=number, symbol=symbol, date=date)


def test_a_reference_designates_the_directive_of_its_number_symbol_and_year() -> None:
    assert match_parent([ref("84", "KH-UBND", dt.date(2020, 4, 6))], CANDIDATES).parent_id == P1
    assert match_parent([ref("084", "kh-ubnd", dt.date(2021, 1, 5))], CANDIDATES).parent_id == P2
    # Another symbol, another number, another year: nothing.
    for r in (
        ref("84", "KH-SXD", dt.date(2020, 4, 6)),
        ref("85", "KH-UBND", dt.date(2020, 4, 6)),
        ref("84", "KH-UBND", dt.date(2019, 4, 6)),
    ):
        assert match_parent([r], CANDIDATES).parent_id is None


def test_an_ambiguous_reference_links_nothing() -> None:
    undated = match_parent([ref("84", "KH-UBND")], CANDIDATES)
    assert undated.parent_id is None and undated.ambiguous == (P1, P2)
    # Two references, two different upper directives: which one it implements is not
    # for the platform to guess.
    both = [ref("84", "KH-UBND", dt.date(2020, 4, 6)), ref("84", "KH-UBND", dt.date(2021, 1, 1))]
    assert match_parent(both, CANDIDATES).ambiguous == (P1, P2)
    # The same directive cited twice is one match.
    twice = [ref("84", "KH-UBND", dt.date(2020, 4, 6)), ref("84", "KH-UBND")]
    assert match_parent(twice, CANDIDATES[:1]).parent_id == P1


def test_a_reference_without_a_number_matches_nothing() -> None:
    assert ref_serial(ref(None, "KH-UBND")) is None
    assert ref_serial(ref("", "KH-UBND")) is None
    assert ref_serial(ref("84", None)) is None
    assert ref_serial(ref("84a", "KH-UBND")) is None
    assert ref_serial(ref("0", "KH-UBND")) is None
    assert ref_serial(ref(" 05 ", "KH-UBND")) == 5


ROOT, CHILD = uuid.UUID(int=10), uuid.UUID(int=11)


def row(directive: uuid.UUID, index: int, **kw: object) -> TaskRow:
    fields: dict[str, object] = dict(
        directive_id=directive,
        assignment_index=index,
        lead_code=None,
        completed=False,
        on_time=False,
        overdue=False,
    )
    return TaskRow(**(fields | kw))  # type: ignore[arg-type]


TASKS = [
    row(ROOT, 0, completed=True, on_time=True),
    row(ROOT, 2, overdue=True),
    row(CHILD, 0, completed=True, on_time=True, n=3),
    row(CHILD, 1, completed=True, on_time=False),
    row(CHILD, 1, overdue=True, n=2),
    row(CHILD, 1, cancelled=True, n=5),
]


def summary(id_: uuid.UUID, agency: str, reference: str) -> Summary:
    return Summary(id_, agency, reference, "Trích yếu", dt.date(2020, 4, 6), "issued")


def tree() -> Node:
    child = build_node(
        summary(CHILD, "sxd-thanhhoa", "05/TB-SXD"), TASKS, duties={}, names={}, children={}
    )
    return build_node(
        summary(ROOT, "ubnd-thanhhoa", "84/KH-UBND"),
        TASKS,
        duties={
            "sxd-thanhhoa": duties_of(PLAN, UBND, "sxd-thanhhoa"),
            "sgtvt-thanhhoa": duties_of(PLAN, UBND, "sgtvt-thanhhoa"),
        },
        names={"sxd-thanhhoa": "Sở Xây dựng", "sgtvt-thanhhoa": "Sở Giao thông vận tải"},
        children={"sxd-thanhhoa": [child]},
    )


def test_the_tree_counts_each_duty_and_each_departments_implementing_directives() -> None:
    node = tree()
    assert counts(TASKS).assigned == 8  # cancelled tasks are no longer owed
    root = node.counts
    assert (root.assigned, root.completed, root.completed_on_time, root.overdue) == (2, 1, 1, 1)
    sxd, sgtvt = node.branches
    assert [(d.duty.index, d.counts.completed_on_time, d.counts.overdue) for d in sxd.duties] == [
        (0, 1, 0),
        (2, 0, 1),
    ]
    c = sxd.counts
    assert (c.assigned, c.completed, c.completed_on_time, c.overdue) == (6, 4, 3, 2)
    assert [k.directive.reference for k in sxd.children] == ["05/TB-SXD"]
    assert sgtvt.children == [] and sgtvt.counts.assigned == 0
    assert [(d.duty.index, d.duty.role) for d in sgtvt.duties] == [(0, "coordinate"), (2, "lead")]


def test_the_console_shows_the_tree_in_vietnamese() -> None:
    view = LineageView.of(tree())
    html = templates.get_template("lineage.html").render(
        tree=view.model_dump(mode="json"),
        user=Principal("s", "snv", "Sở Nội vụ", roles=frozenset({Role.PROVINCE_READER})),
        roles="Sở Nội vụ",
        nav=[],
        csrf="x",
        flash=[],
        path="/directives",
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Tình hình triển khai văn bản số 84/KH-UBND" in text
    assert "Sở Xây dựng" in text and "Sở Giao thông vận tải" in text
    assert "05/TB-SXD 06/04/2020 Trích yếu 6 4 3 2 50.0%" in text
    assert "Chưa có văn bản triển khai trên hệ thống." in text  # Sở GTVT's branch
    assert f'href="/directives/{CHILD}/lineage"' in html
    assert "Chủ trì" in text and "Phối hợp" in text
