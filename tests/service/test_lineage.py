"""Directives that cascade, on a real PostgreSQL: a province plan, the departments'
implementing letters linked to it, their incoming list, the lineage view and its
counts, who may read them; and the tasks service's lineage on `task.assigned`."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from chidao.stack import postgres
from services.directives.adapters.tables import metadata, number_series
from services.directives.domain.model import Directive
from services.directives.handlers import DirectiveService, Directories
from services.directives.settings import DirectivesSettings
from services.tasks.adapters.tables import metadata as tasks_metadata
from services.tasks.handlers import TaskService
from shared.auth import Principal, Role
from shared.contracts.events import (
    DirectiveIssued,
    TaskAssigned,
    TaskCancelled,
    TaskCompleted,
    TaskOverdue,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    DocumentRef,
    UnitRef,
)
from shared.db import Database
from shared.errors import Forbidden, NotFound
from shared.settings import REPO_ROOT
from tests.service.conftest import (
    CLERK_SGTVT,
    CLERK_SXD,
    KHTC_HEAD,
    LEADER_SGTVT,
    LEADER_SXD,
    OPERATOR,
    PROVINCE,
    PROVINCE_NGHEAN,
    SGTVT,
    SXD,
    ServiceDb,
    deliver,
    emptied,
    principal,
)

SERVICE = "directives"
METADATA = metadata

UBND = "ubnd-thanhhoa"
STP = "stp-thanhhoa"
CLERK_UBND = principal("vanthu.ubnd", "Lê Văn Tuấn", Role.CLERK, agency=UBND)
LEADER_UBND = principal("chutich.ubnd", "Đỗ Minh Tuấn", Role.LEADER, agency=UBND)
CLERK_STP = principal("vanthu.stp", "Mai Thị Hạnh", Role.CLERK, agency=STP)
PLAN_DAY = dt.date(2020, 4, 20)  # the service tests' clock (conftest.START)


@pytest.fixture
def svc(service_db: ServiceDb) -> DirectiveService:
    settings = DirectivesSettings()
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    return DirectiveService(service_db.db, service_db.outbox, service_db.clock, directories)


def duty(lead: str, action: str, *coordinating: str) -> Assignment:
    return Assignment(
        lead_unit=UnitRef(code=lead, name=lead),
        coordinating_units=tuple(UnitRef(code=c, name=c) for c in coordinating),
        action=action,
        deadline=Deadline(kind=DeadlineKind.DATE, date=dt.date(2020, 12, 15), text="15/12/2020"),
    )


PLAN = DirectiveContent(
    doc_type=DocType.PLAN,
    subject="Triển khai thực hiện Đề án Văn hóa công vụ năm 2020",
    assignments=(
        duty("SXD", "Quán triệt Đề án tới toàn thể công chức, viên chức của Sở", "SNV"),
        duty("SGTVT", "Rà soát quy chế văn hóa công sở"),
        duty("SNV", "Tổng hợp kết quả thực hiện, báo cáo UBND tỉnh", "SXD", "SGTVT"),
        duty("VPUBND", "Theo dõi, đôn đốc"),
    ),
)


def citing(number: str, symbol: str = "KH-UBND", date: dt.date | None = PLAN_DAY) -> DocumentRef:
    return DocumentRef(
        doc_type="Kế hoạch", number=number, symbol=symbol, date=date, issuer="UBND tỉnh"
    )


def letter(*refs: DocumentRef, lead: str = "VP") -> DirectiveContent:
    return DirectiveContent(
        doc_type=DocType.NOTICE,
        subject="Về việc thực hiện Kế hoạch triển khai Đề án Văn hóa công vụ",
        references=refs,
        assignments=(duty(lead, "Chủ trì rà soát nội quy, quy chế của cơ quan"),),
    )


async def issue(
    svc: DirectiveService, content: DirectiveContent, clerk_leader: tuple[Principal, Principal]
) -> Directive:
    clerk, leader = clerk_leader
    draft = await svc.create_draft(None, content, clerk)
    return await svc.issue(draft.id, leader)


UBND_STAFF = (CLERK_UBND, LEADER_UBND)
SXD_STAFF = (CLERK_SXD, LEADER_SXD)
SGTVT_STAFF = (CLERK_SGTVT, LEADER_SGTVT)


async def test_a_department_letter_citing_the_province_plan_is_linked_to_it(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    plan = await issue(svc, PLAN, UBND_STAFF)
    assert plan.reference == "01/KH-UBND"
    # The departments it gives duties to, lead or coordinating; the Office has no file.
    assert plan.addressed_agencies == (SXD, "snv-thanhhoa", SGTVT, "vpubnd-thanhhoa")
    sxd_letter = await issue(svc, letter(citing("01")), SXD_STAFF)
    assert sxd_letter.parent_directive_id == plan.id
    staged = [e for e in await service_db.staged() if isinstance(e, DirectiveIssued)]
    assert [(e.directive_id, e.parent_directive_id) for e in staged] == [
        (plan.id, None),
        (sxd_letter.id, plan.id),
    ]
    # "1" for "01", a spaced symbol, Decision 1847 of the Prime Minister (not on the
    # platform) cited too: still the one plan.
    again = await issue(
        svc,
        letter(
            DocumentRef(number="1847", symbol="QĐ-TTg", date=dt.date(2018, 12, 27)),
            citing("1", symbol="KH - UBND"),
        ),
        SGTVT_STAFF,
    )
    assert again.parent_directive_id == plan.id


async def test_nothing_is_linked_that_is_not_the_upper_bodys_issued_directive(
    svc: DirectiveService,
) -> None:
    # Cited before the plan is issued: the letter stays unlinked (never linked later).
    early = await issue(svc, letter(citing("01")), SXD_STAFF)
    assert early.parent_directive_id is None
    plan = await issue(svc, PLAN, UBND_STAFF)
    assert plan.reference == "01/KH-UBND"
    # Another year's date, another symbol, a draft of the province: no parent.
    assert (
        await issue(svc, letter(citing("01", date=dt.date(2019, 4, 6))), SXD_STAFF)
    ).parent_directive_id is None
    assert (
        await issue(svc, letter(citing("01", symbol="TB-UBND")), SXD_STAFF)
    ).parent_directive_id is None
    await svc.create_draft(None, PLAN, CLERK_UBND)
    assert (await issue(svc, letter(citing("02")), SXD_STAFF)).parent_directive_id is None
    # A department is not another's upper body: Sở Xây dựng's 01/TB-SXD cited by SGTVT.
    assert early.reference == "01/TB-SXD"
    cites_sxd = await issue(svc, letter(citing("01", symbol="TB-SXD")), SGTVT_STAFF)
    assert cites_sxd.parent_directive_id is None


async def test_an_ambiguous_reference_links_nothing_and_warns(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    first = await issue(svc, PLAN, UBND_STAFF)
    service_db.move_clock(dt.datetime(2021, 3, 1, 2, 0, tzinfo=dt.UTC))
    second = await issue(svc, PLAN, UBND_STAFF)
    assert first.reference == second.reference == "01/KH-UBND"
    undated = await issue(svc, letter(citing("01", date=None)), SXD_STAFF)
    assert undated.parent_directive_id is None
    assert [w.code for w in undated.warnings] == ["ambiguous_parent"]
    dated = await issue(svc, letter(citing("01", date=dt.date(2021, 3, 1))), SXD_STAFF)
    assert dated.parent_directive_id == second.id
    assert "ambiguous_parent" not in [w.code for w in dated.warnings]


async def test_incoming_lists_the_province_directives_giving_the_department_duties(
    svc: DirectiveService,
) -> None:
    plan = await issue(svc, PLAN, UBND_STAFF)
    other = await issue(
        svc,
        DirectiveContent(
            doc_type=DocType.PLAN,
            subject="Kế hoạch cải cách hành chính",
            assignments=(duty("STP", "Rà soát thủ tục"),),
        ),
        UBND_STAFF,
    )
    draft = await svc.create_draft(None, PLAN, CLERK_UBND)
    incoming = (await svc.incoming(KHTC_HEAD)).items
    assert [d.id for d in incoming] == [plan.id]
    assert [(d.index, d.role) for d in svc.duties_for(plan, SXD)] == [
        (0, "lead"),
        (2, "coordinate"),
    ]
    assert [d.id for d in (await svc.incoming(CLERK_STP)).items] == [other.id]
    assert (await svc.incoming(CLERK_UBND)).items == []
    with pytest.raises(Forbidden):
        await svc.incoming(PROVINCE)  # no department: the province reads the lineage
    # The province reader lists the plans of its province (not the departments' own
    # directives, not drafts); another province's reader, none of them.
    sxd_own = await issue(svc, letter(citing("01")), SXD_STAFF)
    listed = {d.id for d in (await svc.find(PROVINCE)).items}
    assert listed == {plan.id, other.id} and sxd_own.id not in listed
    assert {d.id for d in (await svc.find(PROVINCE, agency=UBND)).items} == listed
    assert (await svc.find(PROVINCE, agency=SXD)).items == []
    assert (await svc.find(PROVINCE_NGHEAN)).items == []
    with pytest.raises(Forbidden) as refused:
        await svc.find(PROVINCE_NGHEAN, agency=UBND)
    assert refused.value.code == "other_province"
    # Reading them: the addressed department yes, another not (404), drafts never.
    assert (await svc.get(plan.id, KHTC_HEAD)).id == plan.id
    assert (await svc.get(plan.id, PROVINCE)).id == plan.id
    for user, directive in (
        (CLERK_STP, plan),
        (CLERK_SXD, other),
        (CLERK_SXD, draft),
        (PROVINCE, draft),
        (PROVINCE_NGHEAN, plan),
        (OPERATOR, plan),
    ):
        with pytest.raises(NotFound):
            await svc.get(directive.id, user)
    # Commands stay the issuing agency's own.
    with pytest.raises(NotFound):
        await svc.revoke(plan.id, "Không đúng thẩm quyền", LEADER_SXD)


def assigned(directive: Directive, index: int, lead: str, n: int) -> TaskAssigned:
    return TaskAssigned(
        agency=directive.agency,
        task_id=uuid.UUID(int=n),
        directive_id=directive.id,
        lead_unit=UnitRef(code=lead, name=lead),
        at=dt.datetime(2020, 4, 20, 3, tzinfo=dt.UTC),
        assignment_index=index,
        action="…",
        deadline=Deadline.none(),
    )


async def test_lineage_counts_each_departments_duties_and_implementing_directives(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    plan = await issue(svc, PLAN, UBND_STAFF)
    sxd_letter = await issue(svc, letter(citing("01")), SXD_STAFF)
    sgtvt_letter = await issue(svc, letter(citing("01")), SGTVT_STAFF)
    handlers = svc.event_handlers()
    at = dt.datetime(2020, 6, 1, 3, tzinfo=dt.UTC)
    events = [
        assigned(plan, 0, "SXD", 1),
        assigned(plan, 1, "SGTVT", 2),
        assigned(sxd_letter, 0, "VP", 3),
        assigned(sxd_letter, 0, "VP", 4),  # its next yearly occurrence, say
        assigned(sxd_letter, 0, "KHTC", 5),
        assigned(sgtvt_letter, 0, "VP", 6),
    ]
    for e in events:
        await deliver(service_db, handlers, e, "directives")
    ids = dict(
        agency=SXD, directive_id=sxd_letter.id, lead_unit=UnitRef(code="VP", name="VP"), at=at
    )
    await deliver(
        service_db,
        handlers,
        TaskCompleted(**ids, task_id=uuid.UUID(int=3), result="Xong", on_time=True),
        "directives",
    )
    late = TaskCompleted(**ids, task_id=uuid.UUID(int=4), result="Xong", on_time=False)
    await deliver(service_db, handlers, late, "directives")
    await deliver(
        service_db,
        handlers,
        TaskOverdue(
            **(ids | {"lead_unit": UnitRef(code="KHTC", name="KHTC")}),
            task_id=uuid.UUID(int=5),
            due_date=dt.date(2020, 5, 1),
        ),
        "directives",
    )
    plan_ids = dict(
        agency=UBND, directive_id=plan.id, lead_unit=UnitRef(code="SXD", name="SXD"), at=at
    )
    await deliver(
        service_db,
        handlers,
        TaskCompleted(**plan_ids, task_id=uuid.UUID(int=1), result="Đã quán triệt", on_time=True),
        "directives",
    )
    # A redelivery and a task of another time's tasks changes nothing.
    again = await deliver(service_db, handlers, late, "directives", envelope_id="same")
    await deliver(service_db, handlers, late, "directives", envelope_id="same")
    assert again.id == "same"
    await deliver(
        service_db,
        handlers,
        TaskCancelled(**ids, task_id=uuid.UUID(int=99), reason="x"),
        "directives",
    )

    tree = await svc.lineage(plan.id, LEADER_UBND)
    assert tree.directive.reference == "01/KH-UBND"
    assert (tree.counts.assigned, tree.counts.completed) == (2, 1)
    branches = {b.agency: b for b in tree.branches}
    assert list(branches) == [SXD, "snv-thanhhoa", SGTVT, "vpubnd-thanhhoa"]
    sxd = branches[SXD]
    assert sxd.name == "Sở Xây dựng"
    assert [
        (d.duty.index, d.duty.role, d.counts.assigned, d.counts.completed_on_time)
        for d in sxd.duties
    ] == [
        (0, "lead", 1, 1),
        (2, "coordinate", 0, 0),
    ]
    assert [c.directive.id for c in sxd.children] == [sxd_letter.id]
    c = sxd.counts
    assert (c.assigned, c.completed, c.completed_on_time, c.overdue) == (3, 2, 1, 1)
    sgtvt = branches[SGTVT]
    assert [k.directive.reference for k in sgtvt.children] == [sgtvt_letter.reference]
    assert (sgtvt.counts.assigned, sgtvt.counts.completed) == (1, 0)
    assert branches["snv-thanhhoa"].children == []

    # The province reader sees the whole tree; a department its own branch only.
    assert len((await svc.lineage(plan.id, PROVINCE)).branches) == 4
    own = await svc.lineage(plan.id, KHTC_HEAD)
    assert [b.agency for b in own.branches] == [SXD]
    # Of the plan's own tasks, those of its duties only (not Sở GTVT's duty 1).
    assert (own.counts.assigned, own.counts.completed) == (1, 1)
    assert [k.directive.id for k in own.branches[0].children] == [sxd_letter.id]
    # The department's own letter: its tree (no department below it).
    assert (await svc.lineage(sxd_letter.id, CLERK_SXD)).counts.assigned == 3
    for user in (CLERK_STP, PROVINCE_NGHEAN, OPERATOR):
        with pytest.raises(NotFound):
            await svc.lineage(plan.id, user)
    with pytest.raises(NotFound):
        await svc.lineage(sxd_letter.id, CLERK_SGTVT)  # a sibling's letter: not its branch


@pytest.fixture
async def tasks_db(pg: postgres.PgSettings) -> AsyncIterator[ServiceDb]:
    db = Database(pg.url("tasks"))
    try:
        yield await emptied(db, "tasks", tasks_metadata)
    finally:
        await db.dispose()


async def test_tasks_carry_the_chain_of_directives_they_descend_from(tasks_db: ServiceDb) -> None:
    tasks = TaskService(tasks_db.db, tasks_db.outbox, tasks_db.clock)
    handlers = tasks.event_handlers()
    plan_id, letter_id = uuid.uuid4(), uuid.uuid4()
    issued_at = dt.datetime(2020, 4, 20, 3, tzinfo=dt.UTC)
    plan = DirectiveIssued(
        agency=UBND,
        directive_id=plan_id,
        reference="01/KH-UBND",
        content=PLAN.model_copy(update={"number": "01", "symbol": "KH-UBND", "date": PLAN_DAY}),
        issued_at=issued_at,
    )
    child = DirectiveIssued(
        agency=SXD,
        directive_id=letter_id,
        reference="01/TB-SXD",
        content=letter(citing("01")).model_copy(
            update={"number": "01", "symbol": "TB-SXD", "date": PLAN_DAY}
        ),
        issued_at=issued_at,
        parent_directive_id=plan_id,
    )
    await deliver(tasks_db, handlers, plan, "tasks")
    await deliver(tasks_db, handlers, child, "tasks")
    staged = [e for e in await tasks_db.staged() if isinstance(e, TaskAssigned)]
    by_directive = {e.directive_id: e.lineage for e in staged}
    assert by_directive == {plan_id: (plan_id,), letter_id: (plan_id, letter_id)}
    assert len(staged) == len(PLAN.assignments) + 1


SEED = (REPO_ROOT / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt").read_text(encoding="utf-8")


async def plan_numbered(
    svc: DirectiveService, service_db: ServiceDb, serial: int, year: int = 2020
) -> Directive:
    """The province's plan issued with the number `serial` of `year` (the series moved
    on as if the committee had issued the ones before on the platform)."""
    async with service_db.db.transaction() as session:
        await session.execute(
            number_series.insert().values(agency=UBND, year=year, last_serial=serial - 1)
        )
    return await issue(svc, PLAN, UBND_STAFF)


async def test_the_seed_letter_is_linked_to_plan_84_once_the_province_issued_it_here(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    plan = await plan_numbered(svc, service_db, 84)
    assert plan.reference == "84/KH-UBND"
    draft = await svc.import_letter(SEED, SXD, CLERK_SXD)
    assert "ambiguous_parent" not in [w.code for w in draft.warnings]
    draft = await svc.edit_draft(draft.id, fillable(draft.content), CLERK_SXD)
    issued = await svc.issue(draft.id, LEADER_SXD)
    assert issued.parent_directive_id == plan.id
    assert [d.id for d in (await svc.incoming(CLERK_SXD)).items] == [plan.id]


async def test_an_ambiguous_citation_is_told_on_the_imported_draft_and_once(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    first = await plan_numbered(svc, service_db, 84)
    service_db.move_clock(dt.datetime(2021, 3, 1, 2, 0, tzinfo=dt.UTC))
    second = await plan_numbered(svc, service_db, 84, 2021)
    assert first.reference == second.reference == "84/KH-UBND"
    undated = SEED.replace("84/KH-UBND ngày 06/4/2020", "84/KH-UBND")
    assert undated != SEED
    draft = await svc.import_letter(undated, SXD, CLERK_SXD)
    assert [w.field for w in draft.warnings if w.code == "ambiguous_parent"] == ["references"]
    draft = await svc.edit_draft(draft.id, fillable(draft.content), CLERK_SXD)
    issued = await svc.issue(draft.id, LEADER_SXD)
    assert issued.parent_directive_id is None
    assert [w.code for w in issued.warnings].count("ambiguous_parent") == 1


def fillable(content: DirectiveContent) -> DirectiveContent:
    """The seed's blank yearly deadline filled in, as the clerk does before issuing."""
    assignments = tuple(
        a.model_copy(update={"deadline": a.deadline.model_copy(update={"day": 15, "month": 12})})
        if a.deadline.kind is DeadlineKind.YEARLY
        else a
        for a in content.assignments
    )
    return content.model_copy(update={"assignments": assignments})
